"""Board presets (boards/*.py) and their detection (boards/__init__.py, tinyweb/presets.py).

Invariants every preset keeps, and why:
- every field of `presets.FIELDS` is set, with a type and range a server can run with;
- `buffer_size <= max_line`: while a head is read a connection holds at most one unfinished
  line plus one read, so the line is the bound that matters;
- `max_headers >= 24`: browsers send 10 to 20 header lines, and unsaved ones cost no memory;
- served + waiting connections fit the board's network stack (lwIP PCBs, ESP-IDF sockets);
- the worst case of all limits at once takes at most half the board's typical free heap,
  by the budget below, which is fitted to measurements (docs/boards.md);
- `generic` is at most as large as any board preset, field by field.
"""

import os
import shutil
import subprocess
import sys

import pytest
from micropython_runtime import micropython_or_skip

import tinyweb
from tinyweb import boards, presets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BOARDS = [name for name in boards.PRESETS if name != "host"]
CIRCUITPYTHON = [name for name in boards.PRESETS if name.endswith("_circuitpython")]


def load(name):
    return presets._load(name)


# ---- the budget ---------------------------------------------------------------------------
# The smallest free heap (bytes) the worst cases of a set of limits run in, measured on the
# 32-bit MicroPython unix port (`python -m bench --only preset-budget`, with and without
# tinyweb frozen) for 17 sets of limits, lay under this formula at every point; measured again
# from .mpy (2026-11-30), the two longest waiting lines need more (7.3 and 4.8 KB), which
# docs/boards.md ("The budget") shows with the fit and the numbers.
BASE_FROZEN = 10752  # import tinyweb frozen (7.5 KB) + webserver() + one small request
BASE_MPY = 28160  # the same imported from .mpy: about 17 KB more of bytecode in the heap
# The runtime's adapter module, measured apart (the probe serves through a stub stream):
# micropython_streams 0.7 KB frozen / 1.6 KB from .mpy, circuitpython_socketpool 1.1 / 3.7.
ADAPTER_FROZEN = 1024
ADAPTER_MPY = 4096
PER_SERVED = 1024  # a served connection's task, frames, request, response (1.0-1.4 KB)
PER_WAITING = 640  # a connection waiting for a slot (270 B, and 330 B kept after a burst)
HELD = 2  # copies of its line or body a served connection may hold (old data + new)
ASSEMBLY = 3  # more copies while the largest line or body is concatenated and parsed


def worst_case_heap(p):
    """Heap tinyweb needs with every limit of preset module `p` reached at once."""
    largest = max(p.max_line, p.max_body_size)
    base = BASE_FROZEN + ADAPTER_FROZEN if p.frozen else BASE_MPY + ADAPTER_MPY
    served = p.max_concurrency * (PER_SERVED + HELD * largest + p.buffer_size)
    return base + served + p.backlog * PER_WAITING + ASSEMBLY * largest


# Connections each board's network stack can hold for tinyweb (served + waiting):
# lwIP's MEMP_NUM_TCP_PCB of 5 on the rp2 ports and the ESP8266 SDK (listening PCBs are a
# separate pool); ESP-IDF's 10 sockets on MicroPython less the listening one; 8 on
# CircuitPython's ESP-IDF build less the listening one and two for the web workflow.
SOCKETS = {
    "esp8266": 5,
    "generic": 5,
    "pico_w": 5,
    "pico2_w": 5,
    "pico_w_circuitpython": 5,
    "pico2_w_circuitpython": 5,
    "esp32": 9,
    "esp32s2": 9,
    "esp32s3": 9,
    "esp32c3": 9,
    "esp32c6": 9,
    "esp32_circuitpython": 5,
    "esp32s2_circuitpython": 5,
    "esp32s3_circuitpython": 5,
    "esp32c3_circuitpython": 5,
    "esp32c6_circuitpython": 5,
    "unix": 9,  # a computer, sized like the ESP32
}


# ---- every preset ------------------------------------------------------------------------


def test_presets_list_matches_the_modules():
    files = sorted(
        name[:-3]
        for name in os.listdir(os.path.join(ROOT, "boards"))
        if name.endswith(".py") and name != "__init__.py"
    )
    assert files == sorted(boards.PRESETS)
    assert len(set(boards.PRESETS)) == len(boards.PRESETS)


def test_the_boards_the_issue_names_have_presets():
    for chip in ("esp8266", "esp32", "esp32s2", "esp32s3", "esp32c3", "esp32c6", "pico_w"):
        assert chip in boards.PRESETS
    assert "pico2_w" in boards.PRESETS
    # CircuitPython runs with Wi-Fi on every one of these but the ESP8266.
    for chip in ("esp32", "esp32s2", "esp32s3", "esp32c3", "esp32c6", "pico_w", "pico2_w"):
        assert chip + "_circuitpython" in boards.PRESETS
    assert "esp8266_circuitpython" not in boards.PRESETS


@pytest.mark.parametrize("name", boards.PRESETS)
def test_preset_has_every_field_in_range(name):
    p = load(name)
    assert p.__doc__ and len(p.__doc__) > 200, "say where the numbers come from"
    for field in presets.FIELDS:
        value = getattr(p, field)
        assert isinstance(value, int) and not isinstance(value, bool), field
    assert 1 <= p.max_concurrency <= 64
    assert 256 <= p.buffer_size <= 16384
    assert 512 <= p.max_line <= 8192
    assert p.buffer_size <= p.max_line
    assert 24 <= p.max_headers <= 128
    assert 256 <= p.max_body_size <= 65536
    assert 1 <= p.request_timeout <= 30
    assert 0 <= p.backlog <= 64
    assert 1 <= p.keep_alive <= 1000
    assert isinstance(p.frozen, bool)


@pytest.mark.parametrize("name", BOARDS)
def test_worst_case_takes_at_most_half_the_free_heap(name):
    p = load(name)
    assert isinstance(p.typical_free_heap, int) and p.typical_free_heap >= 30000
    need = worst_case_heap(p)
    assert need <= p.typical_free_heap / 2, "%s needs %d of %d" % (
        name,
        need,
        p.typical_free_heap,
    )


def test_host_is_not_sized_by_a_heap():
    host = load("host")
    assert host.typical_free_heap is None
    assert host.max_concurrency >= 16


@pytest.mark.parametrize("name", BOARDS)
def test_connections_fit_the_network_stack(name):
    p = load(name)
    assert p.max_concurrency + p.backlog <= SOCKETS[name]


@pytest.mark.parametrize("name", BOARDS)
def test_generic_is_the_smallest(name):
    generic = load("generic")
    p = load(name)
    for field in ("max_concurrency", "buffer_size", "max_line", "max_body_size", "backlog"):
        assert getattr(generic, field) <= getattr(p, field), field
    assert generic.typical_free_heap <= p.typical_free_heap


@pytest.mark.parametrize("name", CIRCUITPYTHON)
def test_circuitpython_presets_pair_with_a_micropython_one(name):
    chip = name[: -len("_circuitpython")]
    assert chip in boards.PRESETS
    assert "on CircuitPython" in load(name).__doc__.split("\n")[0]


def test_the_bigger_boards_get_at_least_the_esp8266_limits():
    small = load("esp8266")
    for name in BOARDS:
        if name == "generic":
            continue
        p = load(name)
        assert p.max_line >= small.max_line
        assert p.buffer_size >= small.buffer_size


# ---- detection ---------------------------------------------------------------------------

# (sys.platform, os.uname().machine, sys.implementation.name) -> preset. The machine strings
# are MICROPY_HW_BOARD_NAME " with " MICROPY_HW_MCU_NAME from each port's board files
# (micropython ports/*/boards, circuitpython ports/*/boards) or from issue reports.
DETECT = [
    # MicroPython, ESP8266
    ("esp8266", "ESP module with ESP8266", "micropython", "esp8266"),
    ("esp8266", "ESP module (1M) with ESP8266", "micropython", "esp8266"),
    # MicroPython, ESP32: sys.platform is "esp32" for every variant
    ("esp32", "Generic ESP32 module with ESP32", "micropython", "esp32"),
    ("esp32", "ESP32 module with ESP32", "micropython", "esp32"),  # v1.19
    ("esp32", "Generic ESP32 module with SPIRAM with ESP32", "micropython", "esp32"),
    ("esp32", "Generic ESP32 module with ESP32-D2WD", "micropython", "esp32"),
    ("esp32", "M5Stack ATOM with ESP32-PICO-D4", "micropython", "esp32"),
    ("esp32", "Silicognition ManT1S with ESP32-PICO-V3-02", "micropython", "esp32"),
    ("esp32", "Generic ESP32S2 module with ESP32S2", "micropython", "esp32s2"),  # v1.22
    ("esp32", "Generic ESP32S2 module with ESP32-S2", "micropython", "esp32s2"),
    ("esp32", "LOLIN_S2_MINI with ESP32-S2FN4R2", "micropython", "esp32s2"),
    ("esp32", "ESP32S3 module (spiram) with ESP32S3", "micropython", "esp32s3"),  # v1.19
    ("esp32", "Generic ESP32S3 module with ESP32S3", "micropython", "esp32s3"),
    ("esp32", "Generic ESP32S3 module with Octal-SPIRAM with ESP32-S3", "micropython", "esp32s3"),
    ("esp32", "OMGS3 with ESP32-S3-PICO-1-N8R2", "micropython", "esp32s3"),
    ("esp32", "ESP32C3 module with ESP32C3", "micropython", "esp32c3"),  # v1.27
    ("esp32", "ESP32C3 module with ESP32-C3", "micropython", "esp32c3"),
    ("esp32", "LOLIN_C3_MINI with ESP32-C3FH4", "micropython", "esp32c3"),
    ("esp32", "ESP32C6 module with ESP32-C6", "micropython", "esp32c6"),
    ("esp32", "M5Stack NanoC6 with ESP32-C6", "micropython", "esp32c6"),
    ("esp32", "ESP32C5 module with ESP32-C5", "micropython", "esp32c3"),
    ("esp32", "ESP32C2 module with ESP32-C2", "micropython", "generic"),
    ("esp32", "ESP32H2 module with ESP32-H2", "micropython", "generic"),
    (
        "esp32",
        "Generic ESP32P4 module with WIFI module of external ESP32C6 with ESP32-P4",
        "micropython",
        "esp32s3",
    ),
    ("esp32", "", "micropython", "esp32"),  # no machine string: the family's first chip
    # MicroPython, RP2
    ("rp2", "Raspberry Pi Pico W with RP2040", "micropython", "pico_w"),
    ("rp2", "Raspberry Pi Pico with RP2040", "micropython", "pico_w"),
    ("rp2", "Pimoroni Pico LiPo 4MB with RP2040", "micropython", "pico_w"),
    ("rp2", "Raspberry Pi Pico 2 W with RP2350", "micropython", "pico2_w"),
    ("rp2", "Raspberry Pi Pico2 with RP2350-RISCV", "micropython", "pico2_w"),
    ("rp2", "", "micropython", "pico_w"),
    # MicroPython elsewhere
    ("pyboard", "PYBv1.1 with STM32F405RG", "micropython", "generic"),
    ("samd", "Seeed Wio Terminal with SAMD51P19A", "micropython", "generic"),
    # MicroPython on a computer: a board's limits, where board code is tried first
    ("linux", "", "micropython", "unix"),  # the unix port has no os.uname()
    ("darwin", "", "micropython", "unix"),
    ("webassembly", "JS with Emscripten", "micropython", "unix"),
    # CircuitPython: sys.platform is "Espressif", "RP2040" or "RP2350"
    ("Espressif", "Adafruit Feather ESP32 V2 with ESP32", "circuitpython", "esp32_circuitpython"),
    (
        "Espressif",
        "Espressif ESP32 TTGO T8 v1.7 with ESP32",
        "circuitpython",
        "esp32_circuitpython",
    ),
    (
        "Espressif",
        "Adafruit Feather ESP32S2 with ESP32S2",
        "circuitpython",
        "esp32s2_circuitpython",
    ),
    ("Espressif", "Adafruit QT Py ESP32S2 with ESP32S2", "circuitpython", "esp32s2_circuitpython"),
    ("Espressif", "Adafruit Metro ESP32S3 with ESP32S3", "circuitpython", "esp32s3_circuitpython"),
    ("Espressif", "M5Stack Dial with ESP32S3", "circuitpython", "esp32s3_circuitpython"),
    (
        "Espressif",
        "Adafruit QT Py ESP32C3 with ESP32-C3FN4",
        "circuitpython",
        "esp32c3_circuitpython",
    ),
    ("Espressif", "ESP32-C6-DevKitC-1-N8 with ESP32C6", "circuitpython", "esp32c6_circuitpython"),
    ("Espressif", "ESP8684-DevKitC-02-N4 with ESP32C2", "circuitpython", "generic"),
    ("Espressif", "", "circuitpython", "esp32_circuitpython"),
    ("RP2040", "Raspberry Pi Pico W with rp2040", "circuitpython", "pico_w_circuitpython"),
    ("RP2350", "Raspberry Pi Pico 2 W with rp2350a", "circuitpython", "pico2_w_circuitpython"),
    ("RP2350", "Pimoroni Pico Plus 2 W with rp2350b", "circuitpython", "pico2_w_circuitpython"),
    ("nRF52840", "Adafruit Feather nRF52840 Express with nRF52840", "circuitpython", "generic"),
    ("MicroChip SAMD51", "Adafruit Metro M4 Express with samd51j19", "circuitpython", "generic"),
    # A computer
    ("linux", "x86_64", "cpython", "host"),
    ("darwin", "arm64", "cpython", "host"),
    ("win32", "AMD64", "cpython", "host"),
    ("linux", "x86_64", "pypy", "host"),
]


@pytest.mark.parametrize("platform,machine,implementation,expected", DETECT)
def test_detect(platform, machine, implementation, expected):
    assert boards.detect(platform, machine, implementation) == expected
    assert presets.detect(platform, machine, implementation) == expected


def test_detect_always_names_a_preset():
    for platform, machine, implementation, _ in DETECT:
        assert boards.detect(platform, machine, implementation) in boards.PRESETS


def test_detect_on_this_computer_is_host():
    assert presets.detect() == "host"


# ---- resolve and the webserver ------------------------------------------------------------


def test_resolve_by_name_module_and_dict():
    esp32 = load("esp32")
    by_name = presets.resolve("esp32")
    assert by_name == presets.resolve(esp32)
    assert by_name == presets.resolve(dict((f, getattr(esp32, f)) for f in presets.FIELDS))
    assert by_name["buffer_size"] == esp32.buffer_size
    assert sorted(by_name) == sorted(presets.FIELDS)


def test_overrides_win_and_none_is_no_override():
    limits = presets.resolve("esp8266", max_concurrency=2, backlog=None)
    assert limits["max_concurrency"] == 2
    assert limits["backlog"] == load("esp8266").backlog


def test_a_partial_preset_takes_the_rest_from_the_detected_one():
    limits = presets.resolve({"max_concurrency": 2})
    host = presets.as_dict("host")
    assert limits["max_concurrency"] == 2
    assert limits["buffer_size"] == host["buffer_size"]


def test_no_board_means_the_detected_one():
    assert presets.resolve() == presets.as_dict("host")


def test_unknown_names_raise_and_list_the_presets():
    with pytest.raises(ValueError) as e:
        presets.resolve("esp9000")
    assert "esp9000" in str(e.value)
    for name in ("esp8266", "pico2_w", "esp32s3_circuitpython"):
        assert name in str(e.value)
    with pytest.raises(ValueError):
        presets.resolve("../host")
    with pytest.raises(ValueError):
        presets.resolve({"max_conncurrency": 2})  # a typo in a custom preset
    with pytest.raises(TypeError):
        presets.resolve("host", max_conncurrency=2)


def test_webserver_takes_the_preset_and_overrides_win():
    app = tinyweb.webserver(board="esp32", max_concurrency=4)
    esp32 = load("esp32")
    assert app.max_concurrency == 4
    assert app.buffer_size == esp32.buffer_size
    assert app.max_line == esp32.max_line
    assert app.max_headers == esp32.max_headers
    assert app.max_body_size == esp32.max_body_size
    assert app.backlog == esp32.backlog
    assert app.request_timeout == esp32.request_timeout


def test_webserver_with_a_preset_module_and_tinyweb_arguments():
    from tinyweb.boards import esp8266, pico_w

    app = tinyweb.webserver(request_timeout=5, backlog=1, board=esp8266)
    assert app.request_timeout == 5
    assert app.backlog == 1
    assert app.max_concurrency == esp8266.max_concurrency

    app = tinyweb.webserver(board=pico_w, buffer_size=512, max_line=600, max_headers=40)
    assert (app.buffer_size, app.max_line, app.max_headers) == (512, 600, 40)
    assert app.max_concurrency == pico_w.max_concurrency


def test_webserver_rejects_an_unknown_board():
    with pytest.raises(ValueError):
        tinyweb.webserver(board="esp9000")


def test_route_body_limit_defaults_to_the_preset():
    app = tinyweb.webserver(board="esp8266")
    assert app.max_body_size == 512

    @app.route("/form", methods=["POST"])
    async def form(req, resp):
        pass

    @app.route("/big", methods=["POST"], max_body_size=4096)
    async def big(req, resp):
        pass

    form_routes = app.routes[b"/form"]
    big_routes = app.routes[b"/big"]
    assert form_routes[0].max_body_size == 512
    assert big_routes[0].max_body_size == 4096


def test_only_the_chosen_preset_is_imported():
    code = (
        "import sys, tinyweb\n"
        "tinyweb.webserver(board='esp32')\n"
        "print(sorted(m for m in sys.modules if m.startswith('tinyweb.boards')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "['tinyweb.boards', 'tinyweb.boards.esp32']"


# ---- on MicroPython ------------------------------------------------------------------------


def test_detect_on_micropython(tmp_path):
    """The same table through boards/__init__.py on a real MicroPython interpreter."""
    micropython = micropython_or_skip()
    shutil.copy(os.path.join(ROOT, "boards", "__init__.py"), str(tmp_path / "twboards.py"))
    script = "import twboards\nfor p, m, i in %r:\n    print(twboards.detect(p, m, i))\n" % (
        [row[:3] for row in DETECT],
    )
    (tmp_path / "check.py").write_text(script)
    out = subprocess.run(
        [micropython, str(tmp_path / "check.py")],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [row[3] for row in DETECT]


@pytest.fixture(scope="module")
def device_lib(tmp_path_factory):
    micropython_or_skip()
    from micropython_runtime import device_build

    return device_build(tmp_path_factory)


@pytest.mark.parametrize("scenario", ["head", "body", "handler", "queued"])
def test_the_preset_probe_answers_each_worst_case(device_lib, scenario):
    """bench/presets.py's probe (preset-fit and preset-budget measure the presets with it;
    `--emit-probe` gives it to users for their board) holds every slot and waiting place of
    the unix preset at its worst, then gets a 200 for each. It had rotted unseen: its POST
    lacked the Host an HTTP/1.1 request needs, and every body case was a 400."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from bench import presets as probe

    limits = presets.resolve("unix")
    fill = dict(probe.worst_cases(limits)).get(scenario, 0)
    count = limits["max_concurrency"] + limits["backlog"]
    config = {"scenario": scenario, "count": count, "fill": fill, "board": limits}
    result = probe.run_probe(micropython_or_skip(), device_lib, config, timeout=60)
    assert result.get("ok"), result
    assert result["answered"] == count, result
