"""phew imports `network` (Wi-Fi) at the top of its log module; the unix port has none.

Nothing of it is used while serving. This module is on the path of phew's runs only.
"""
