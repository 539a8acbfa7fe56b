"""The dashboard on a computer, with a simulated LED and temperature:

    python examples/dashboard/app.py --port 8081          CPython
    micropython examples/dashboard/app.py --port 8081     MicroPython's unix port

then open http://127.0.0.1:8081/. On a board, main.py (MicroPython) or code.py
(CircuitPython) serve the same dashboard.py with the board's own LED and sensor.
"""

import sys

import dashboard
import hardware_fake


def host_port(host="127.0.0.1", port=8081):
    """--host and --port from the command line (no argparse on MicroPython)."""
    args = sys.argv[1:]
    for i in range(len(args) - 1):
        if args[i] == "--host":
            host = args[i + 1]
        elif args[i] == "--port":
            port = int(args[i + 1])
    return host, port


if __name__ == "__main__":
    host, port = host_port()
    led, sensor = hardware_fake.setup()
    # No CORS answers (the page is served here); any Host: a demo on a computer. main.py and
    # code.py also check the Host on a board (allowed_hosts).
    app = dashboard.make_app(led, sensor, cors=False)
    print("tinyweb: dashboard on http://%s:%d/" % (host, port))
    app.run(host, port)
