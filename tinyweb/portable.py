"""What MicroPython has built in and CPython and CircuitPython do not, written out once.

`tinyweb.compat` imports from here only where the runtime lacks the real thing, so on
MicroPython this module is never loaded and its code takes no heap.
"""

try:  # CircuitPython: supervisor.ticks_ms() wraps at 2**29
    from supervisor import ticks_ms

    def ticks_diff(end, start):
        diff = (end - start) & 0x1FFFFFFF
        return diff - 0x20000000 if diff & 0x10000000 else diff

    def ticks_add(ticks, delta):
        return (ticks + delta) & 0x1FFFFFFF

except ImportError:  # CPython
    from time import monotonic as _monotonic

    def ticks_ms():
        return int(_monotonic() * 1000)

    def ticks_diff(end, start):
        return end - start

    def ticks_add(ticks, delta):
        return ticks + delta


def const(value):
    """MicroPython's const() folds a name into a literal at compile time; here it is a no-op."""
    return value


async def sleep_ms(ms):
    """MicroPython's asyncio.sleep_ms()."""
    import asyncio

    await asyncio.sleep(ms / 1000)


def get_event_loop():
    """The event loop to run on, made and set if there is none (CPython 3.12+)."""
    import asyncio

    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop
