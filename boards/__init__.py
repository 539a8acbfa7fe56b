"""Per-board presets: one module of plain numbers per board (see docs/boards.md).

Installed as `tinyweb.boards`: `webserver(board="esp32")` or `board=tinyweb.boards.esp32`.
`detect()` maps what the runtime reports to a preset name; it is the only logic here.

    detect("esp32", "Generic ESP32S3 module with ESP32S3", "micropython")   # -> "esp32s3"
"""

# Every preset, by name. Only the one in use is imported on a device.
PRESETS = (
    "host",
    "unix",
    "generic",
    "esp8266",
    "esp32",
    "esp32s2",
    "esp32s3",
    "esp32c3",
    "esp32c6",
    "pico_w",
    "pico2_w",
    "esp32_circuitpython",
    "esp32s2_circuitpython",
    "esp32s3_circuitpython",
    "esp32c3_circuitpython",
    "esp32c6_circuitpython",
    "pico_w_circuitpython",
    "pico2_w_circuitpython",
)

# os.uname().machine is "<board name> with <MCU name>" on MicroPython and CircuitPython alike
# (MICROPY_HW_BOARD_NAME " with " MICROPY_HW_MCU_NAME). The MCU name, upper-cased and without
# dashes, starts with one of these; the first match wins, so longer prefixes come first.
# MicroPython's generic boards say "ESP32S3" up to 1.28 and "ESP32-S3" after; CircuitPython
# "ESP32S3", "ESP32-C3FN4", "rp2040", "rp2350a"; vendors add package suffixes ("ESP32-S2FN4R2").
_CHIPS = (
    ("ESP8266", "esp8266"),
    ("ESP32S2", "esp32s2"),
    ("ESP32S3", "esp32s3"),
    ("ESP32C3", "esp32c3"),
    ("ESP32C5", "esp32c3"),  # 384 KB of SRAM, like the C3's 400 KB
    ("ESP32C61", "esp32c3"),  # 320 KB of SRAM
    ("ESP32C6", "esp32c6"),
    ("ESP32P4", "esp32s3"),  # 768 KB of SRAM; Wi-Fi through a hosted C5/C6
    ("ESP32C2", "generic"),  # 272 KB of SRAM, most of it taken by Wi-Fi
    ("ESP32H2", "generic"),  # no Wi-Fi
    ("ESP32", "esp32"),  # ESP32, ESP32-D0WD-V3, ESP32-PICO-D4, ESP32-UNICORE, ...
    ("RP2040", "pico_w"),
    ("RP2350", "pico2_w"),
)

# sys.platform -> preset, when the machine string names no known MCU.
# (sys.platform, preset) pairs: a tuple of constants, as _CHIPS, so that its strings leave
# the heap with this module (a dict literal's keys and values would be interned for good).
_PLATFORMS = (
    ("esp8266", "esp8266"),  # MicroPython
    ("esp32", "esp32"),  # MicroPython, every ESP32 variant
    ("rp2", "pico_w"),  # MicroPython, RP2040 and RP2350
    ("Espressif", "esp32"),  # CircuitPython, every ESP32 variant
    ("RP2040", "pico_w"),  # CircuitPython
    ("RP2350", "pico2_w"),  # CircuitPython
    # MicroPython's unix, Windows and WebAssembly ports run on a computer, where board
    # code is tried first: they get a board's limits (boards/unix.py).
    ("linux", "unix"),
    ("darwin", "unix"),
    ("win32", "unix"),
    ("windows", "unix"),
    ("webassembly", "unix"),
)


def detect(platform, machine, implementation):
    """Preset name for a (sys.platform, os.uname().machine, implementation name) triple."""
    if implementation != "micropython" and implementation != "circuitpython":
        return "host"  # CPython, PyPy: a computer
    mcu = machine.split(" with ")[-1].upper().replace("-", "")
    name = None
    for prefix, preset in _CHIPS:
        if mcu.startswith(prefix):
            name = preset
            break
    if name is None:
        name = "generic"
        for known, preset in _PLATFORMS:
            if platform == known:
                name = preset
                break
    if implementation == "circuitpython" and name not in ("host", "generic", "unix"):
        name += "_circuitpython"
        if name not in PRESETS:  # a chip CircuitPython runs without networking
            name = "generic"
    return name
