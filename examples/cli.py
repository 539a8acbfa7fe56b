"""Command-line host and port for the examples: `python examples/hello_world.py --port 8082`.

Plain sys.argv parsing, so it also works on MicroPython's unix port (no argparse there).
"""

import sys


def host_port(default_host="127.0.0.1", default_port=8081):
    host, port = default_host, default_port
    args = sys.argv[1:]
    for i in range(len(args) - 1):
        if args[i] == "--host":
            host = args[i + 1]
        elif args[i] == "--port":
            port = int(args[i + 1])
    return host, port
