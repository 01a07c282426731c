"""The device tests, run again and again while other processes keep every core busy:
a test that passes only on an idle machine is found here, not in CI.

    .venv/bin/python -m tests.device_soak            20 runs in a row (stops at the first
                                                     failure, and says which)
    .venv/bin/python -m tests.device_soak --runs 5 --no-load

The load is one busy process per core, at the same priority as the tests; the device
tests are those of the printer, drawer, print queue, code readers (serial, keyboard
wedge, camera) and the device thread (the globs below).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOBS = ("tests/*/test_*print*.py", "tests/*/test_escpos.py", "tests/*/test_transports.py",
         "tests/*/test_*drawer*.py", "tests/*/test_*device*.py", "tests/*/test_*serial*.py",
         "tests/*/test_*scan*.py", "tests/*/test_*wedge*.py", "tests/*/test_*camera*.py",
         "tests/*/test_code_framer.py", "tests/*/test_reader_keeper.py")
BUSY = "while True: pass"


def device_tests() -> list[str]:
    found = {path for pattern in GLOBS for path in ROOT.glob(pattern)}
    return sorted(str(path.relative_to(ROOT)) for path in found)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.device_soak")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-load", action="store_true", help="no busy processes")
    args = parser.parse_args(argv)
    tests = device_tests()
    print(f"{len(tests)} device test files: {' '.join(tests)}", flush=True)
    load = [] if args.no_load else [
        subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(os.cpu_count() or 2)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-n", "0",
                                     "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env,
                                    capture_output=True, text=True, check=False)
            summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(f"run {run}/{args.runs}: {summary} ({time.monotonic() - started:.0f} s)",
                  flush=True)
            if result.returncode != 0:
                print(result.stdout[-6000:], result.stderr[-2000:], sep="\n")
                return 1
    finally:
        for process in load:
            process.kill()
            process.wait()
    print(f"{args.runs} runs in a row passed" + ("" if args.no_load else
          f", with {len(load)} busy processes"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
