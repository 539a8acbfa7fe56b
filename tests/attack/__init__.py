"""The attack suite (issue 9): what an attacker on the same network can try, over real
sockets, against one server per runtime (CPython, and the MicroPython unix port) per module.

Each test asserts the exact answer (or that the connection closes unanswered), then that the
server answers a normal request at once; the last test of each module checks that the server
holds what it held before the attacks (heap on MicroPython, connections and tasks on both).
Every loop is bounded in count and time.
"""
