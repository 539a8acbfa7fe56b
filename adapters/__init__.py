"""Runtime adapters: each turns its runtime's connections into the `tinyweb.stream` seam.

Installed as `tinyweb.adapters`. `webserver.run()` picks the one for the running runtime;
name another with `run(..., adapter=tinyweb.adapters.memory)`.
"""
