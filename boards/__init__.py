"""Per-board presets: one module of plain numbers per board (see docs/boards.md).

Installed as `tinyweb.boards`: `webserver(board="esp32")` or `board=tinyweb.boards.esp32`.
`detect()` maps what the runtime reports to a preset name; it is the only logic here.
"""


def detect(platform, machine, implementation):
    """Preset name for a (sys.platform, os.uname().machine, implementation name) triple."""
    if implementation == "cpython":
        return "host"
    return "host"
