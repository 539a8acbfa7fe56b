#!/usr/bin/env node
// Run a script on the official MicroPython WebAssembly build (pinned in package.json) under
// Node.js, the way a board would run it: files copied into its filesystem, `import` from /lib.
//
//   node tools/mpwasm/run.mjs --mount=build/device/lib:/lib --mount=tests/shared:/app \
//        /app/run_cases.py cases.json static
//
// Options, before the script:
//   --mount=HOST:VFS  copy a host folder (recursively, binary-safe) or file to VFS; repeatable
//   --heapsize=N[k|m] initial GC heap (default 1m). The heap grows on demand whatever this is.
//   --pystack=N       Python stack, in words
//   --drive=NAME      after the script, call its global NAME() from JS until it returns a
//                     false value. Each call returns to JS, and only there does this port run
//                     a garbage collection that gc.collect() asked for (see docs/benchmarks.md).
// The script is a VFS path; it runs as __main__ with cwd and sys.path[0] set to its folder,
// then ".frozen" and "/lib" on sys.path, like a board.
//
// The port's asyncio has no run() (its loop is driven by JS timers), so asyncio.run() is
// provided: it drives asyncio's task queue until the coroutine is done, blocking the thread
// between timers. Exit status: 0, 1 on an uncaught exception, N for sys.exit(N), 2 for usage.

import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import fs from "node:fs";
import path from "node:path";

function usage(message) {
  if (message) console.error(message);
  console.error("usage: node run.mjs [--mount=HOST:VFS]... [--heapsize=1m] [--pystack=N] " +
    "[--drive=NAME] SCRIPT [ARGS...]");
  process.exit(2);
}

// ---- arguments
const args = process.argv.slice(2);
const opts = { mounts: [], heapsize: 1024 * 1024, pystack: undefined, drive: undefined };
while (args.length && args[0].startsWith("--")) {
  const arg = args.shift();
  const eq = arg.indexOf("=");
  const key = arg.slice(2, eq < 0 ? undefined : eq);
  const value = eq < 0 ? "" : arg.slice(eq + 1);
  if (key === "mount") {
    const colon = value.lastIndexOf(":");
    if (colon <= 0) usage(`--mount needs HOST:VFS, got ${value}`);
    opts.mounts.push([value.slice(0, colon), value.slice(colon + 1)]);
  } else if (key === "heapsize") {
    const units = { k: 1024, m: 1024 * 1024 };
    opts.heapsize = parseInt(value, 10) * (units[value.slice(-1).toLowerCase()] || 1);
  } else if (key === "pystack") {
    opts.pystack = parseInt(value, 10);
  } else if (key === "drive") {
    opts.drive = value;
  } else {
    usage(`unknown option ${arg}`);
  }
}
if (!args.length) usage();
const [script, ...scriptArgs] = args;

// ---- output: our own buffering keeps stdout and stderr in order and flushes partial lines
let pending = [];
let pendingFd = 1;
function flush() {
  if (pending.length) fs.writeSync(pendingFd, Buffer.from(pending));
  pending = [];
}
function emit(fd, bytes) {
  if (fd !== pendingFd) {
    flush();
    pendingFd = fd;
  }
  for (const byte of bytes) {
    pending.push(byte);
    if (byte === 10 || pending.length >= 8192) flush();
  }
}

const mp = await loadMicroPython({
  heapsize: opts.heapsize,
  ...(opts.pystack ? { pystack: opts.pystack } : {}),
  linebuffer: false,
  stdout: (bytes) => emit(1, bytes),
  stderr: (bytes) => emit(2, bytes),
});

// ---- files
function copyIn(hostPath, vfsPath) {
  const st = fs.statSync(hostPath, { throwIfNoEntry: false });
  if (!st) usage(`no such file or folder: ${hostPath}`);
  if (st.isFile()) {
    mp.FS.mkdirTree(path.posix.dirname(vfsPath));
    mp.FS.writeFile(vfsPath, fs.readFileSync(hostPath));
    return;
  }
  mp.FS.mkdirTree(vfsPath);
  for (const name of fs.readdirSync(hostPath)) {
    if (name === "__pycache__" || name === "node_modules" || name === ".git") continue;
    copyIn(path.join(hostPath, name), vfsPath + "/" + name);
  }
}
for (const [hostPath, vfsPath] of opts.mounts) copyIn(hostPath, vfsPath);

// ---- asyncio.run(): block on a SharedArrayBuffer between timers instead of spinning
const blocker = new Int32Array(new SharedArrayBuffer(4));
globalThis.mpwasmBlockMs = (ms) => Atomics.wait(blocker, 0, 0, ms);
const scriptDir = path.posix.dirname(script);
const prelude = `
import sys, asyncio, js
from asyncio import core as _core
from time import ticks_diff, ticks_ms

sys.path[:] = [${JSON.stringify(scriptDir)}, ".frozen", "/lib"]
sys.argv[:] = ${JSON.stringify([script, ...scriptArgs])}

def _run(coro):
    task = _core.create_task(coro)
    task.state = lambda t, er: None  # "awaited": its exception comes back to us, raised below
    try:
        while not task.done():
            t = _core._task_queue.peek()
            if t is None:
                raise RuntimeError("asyncio.run: every task waits and none can wake")
            wait = ticks_diff(t.ph_key, ticks_ms())
            if wait > 0:
                js.mpwasmBlockMs(wait)
            _core._run_iter()
    finally:
        if _core.asyncio_timer is not None:
            js.clearTimeout(_core.asyncio_timer)
            _core.asyncio_timer = None
        _core.cur_task = _core._top_level_task
    if isinstance(task.data, StopIteration):
        return task.data.value
    raise task.data

asyncio.run = _run
asyncio.Loop.run_until_complete = staticmethod(_run)
`;

function exitCode(e) {
  flush();
  if (e?.name !== "PythonError") {
    console.error(e?.stack ?? String(e));
    return 1;
  }
  if (e.type === "SystemExit") {
    const value = (/SystemExit:?(.*)$/.exec(e.message.trim()) || ["", ""])[1].trim();
    if (value === "" || value === "None") return 0;
    if (/^-?\d+$/.test(value)) return parseInt(value, 10) & 0xff;
    fs.writeSync(2, value + "\n");
    return 1;
  }
  // The traceback, without the frames of this runner's own code (compiled as "<stdin>").
  const text = e.message.replace(/^ {2}File "<stdin>", line \d+, in .*\n/gm, "");
  fs.writeSync(2, text.endsWith("\n") ? text : text + "\n");
  return 1;
}

let rc = 0;
try {
  mp.runPython(prelude);
  mp.FS.chdir(scriptDir);
  const file = JSON.stringify(script);
  mp.runPython(`_main = {"__name__": "__main__", "__file__": ${file}}\nexecfile(${file}, _main)`);
  if (opts.drive) {
    mp.runPython(`_drive = _main[${JSON.stringify(opts.drive)}]`);
    const drive = mp.globals.get("_drive");
    while (drive()) {
      // Back in JS between calls: the port collects garbage here when asked to.
    }
  }
} catch (e) {
  rc = exitCode(e);
}
flush();
process.exit(rc); // a stray asyncio timer must not keep Node running
