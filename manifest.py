# Freeze tinyweb into MicroPython firmware. In your board's manifest:
#     include("/path/to/tinyweb/manifest.py")
# then build the firmware as usual (make BOARD=... FROZEN_MANIFEST=...). Frozen modules run
# from flash: their bytecode takes no heap, which matters most on the ESP8266.
#
# The repository keeps adapters/ and boards/ at its top level; on a device they are
# tinyweb.adapters and tinyweb.boards. package() freezes a folder as it is laid out, so the
# files package.json installs (device path <- repository path) are first copied to
# build/freeze/, laid out as on a device, and that folder is frozen. One list for mip and
# freezing: package.json.
import json
import os
import shutil

_here = os.getcwd()  # the folder of this manifest while it runs
with open(os.path.join(_here, "package.json")) as _f:
    _package = json.load(_f)
_stage = os.path.join(_here, "build", "freeze")
shutil.rmtree(_stage, ignore_errors=True)
for _dest, _src in _package["urls"]:
    os.makedirs(os.path.dirname(os.path.join(_stage, _dest)), exist_ok=True)
    shutil.copyfile(os.path.join(_here, _src), os.path.join(_stage, _dest))

metadata(  # noqa: F821 - the manifest API is given by MicroPython's build tools
    description="Small asynchronous web server with TinyWeb's API",
    version=_package["version"],
    license="MIT",
)
package("tinyweb", base_path=_stage)  # noqa: F821
