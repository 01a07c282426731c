#!/usr/bin/env python3
"""Set up and run the till on a fresh Debian/Ubuntu machine that has only python3.

    python3 dev.py start         open the till on demo data (creates it on first run)
    python3 dev.py test          run the whole test suite (lint, types, contracts, tests)
    python3 dev.py server        run a local sync server on SQLite, its data in .dev-server/
    python3 dev.py bench         run the benchmarks and rewrite docs/benchmarks.md
    python3 dev.py screenshots   regenerate docs/screenshots/*.png under Xvfb
    python3 dev.py server-screenshots
                                 regenerate docs/screenshots/server-status*.png: the
                                 server's status page in headless chromium
    python3 dev.py translations  update resources/translations/*.ts, compile them, and
                                 compile resources/money_formats.json from Babel
    python3 dev.py setup         only install (system packages, then .venv)

Each command installs what it needs first: missing system libraries through apt-get
when run as root (otherwise it prints the exact apt-get line and stops), then a
virtual environment in .venv with the pinned packages of constraints.txt.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
PY = VENV / "bin" / "python"
SERVER_DATA = ROOT / ".dev-server"  # ignored by git
POSTGRESQL = ("127.0.0.1", 5432)
# Read by tests/server: PostgreSQL's tests fail, rather than skip, when it does not answer.
REQUIRE_POSTGRESQL = "CAISSE_TEST_POSTGRESQL"

# Shared objects Qt loads at start-up, and the Debian package that provides each.
QT_LIBRARIES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
# What a real X window (Xvfb screenshots) needs on top: Qt's xcb platform plugin.
XCB_PACKAGES = [
    "xvfb", "xauth", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0",
    "libxcb-render-util0", "libxcb-image0", "libxkbcommon-x11-0", "fonts-dejavu-core",
]
# ZBar, the camera's last second chance (through pyzbar) on frames zxing-cpp found
# nothing in: the camera works without it, with zxing-cpp alone, and says so once.
ZBAR = {"libzbar.so.0": "libzbar0"}
# The server's status page is tested, and photographed, in Debian's chromium driven by
# selenium: each Debian package and the file it provides.
CHROMIUM = {"chromium": "/usr/bin/chromium", "chromium-driver": "/usr/bin/chromedriver"}


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on any python3
        print("caisse needs Python 3.11 or newer; this is " + sys.version.split()[0])
        return 1
    command = argv[1] if len(argv) > 1 else "start"
    rest = argv[2:]
    if command not in {"start", "test", "bench", "screenshots", "translations", "setup",
                       "server", "server-screenshots"}:
        print(__doc__)
        return 2
    needs_x = command == "screenshots" or (command == "start" and not has_display())
    packages = missing_system_packages(
        with_x=needs_x, for_tests=command == "test",
        with_browser=command in {"test", "server-screenshots"},
        with_zbar=command in {"test", "bench", "setup"} or os.geteuid() == 0)
    if packages and not install_system_packages(packages):
        return 1
    ensure_venv()
    if command in {"start", "bench"}:
        compile_sources()
    if command == "setup":
        return 0
    if command == "start":
        return start_till(rest)
    if command == "test":
        ensure_postgresql()
        return run([str(PY), "-m", "pytest", *rest], env=test_environment())
    if command == "server":
        return start_server(rest)
    if command == "bench":
        return run([str(PY), "-m", "bench", *rest])
    if command == "translations":
        return run([str(PY), "-m", "pos_app.ui.language"])
    if command == "server-screenshots":
        # Made by the browser test's own scenario and harness (tests/server), so the
        # pictures show what that test checks.
        return run([str(PY), "-m", "tests.server.screenshots", *rest])
    return run(["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", str(PY), "-m",
                "pos_app.screenshots", *rest], env={"QT_QPA_PLATFORM": "xcb"})


def missing_system_packages(with_x: bool, for_tests: bool = False,
                            with_browser: bool = False, with_zbar: bool = False) -> list[str]:
    missing = [pkg for lib, pkg in QT_LIBRARIES.items() if not has_shared_library(lib)]
    if with_zbar:
        missing += [pkg for lib, pkg in ZBAR.items() if not has_shared_library(lib)]
    if for_tests and shutil.which("faketime") is None:
        missing.append("faketime")  # the command line's tests set its clock back and ahead
    if with_browser:
        missing += [pkg for pkg, path in CHROMIUM.items() if not Path(path).exists()]
    if not venv_works():
        missing.append(f"python3.{sys.version_info.minor}-venv")
    if with_x:
        missing += [pkg for pkg in XCB_PACKAGES if not dpkg_installed(pkg)]
    return missing


def has_shared_library(name: str) -> bool:
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=False)
    return name in listing.stdout


def dpkg_installed(package: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                            capture_output=True, text=True, check=False)
    return "install ok installed" in result.stdout


def venv_works() -> bool:
    if VENV.exists():
        return True
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def install_system_packages(packages: list[str]) -> bool:
    line = "apt-get install -y " + " ".join(packages)
    if os.geteuid() != 0:
        print("Missing system packages. Run, as root:\n\n    " + line + "\n")
        return False
    print("Installing system packages: " + " ".join(packages), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
    return subprocess.run(line.split(), env=env, check=False).returncode == 0


def ensure_venv() -> None:
    wanted = requirements_digest()
    if STAMP.exists() and STAMP.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("Creating .venv", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("Installing pinned packages into .venv", flush=True)
    pip = [str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev]"],
                   check=True)
    STAMP.write_text(wanted)


def compile_sources() -> None:
    """Byte-compile the till as an installed copy would be, even where the environment
    says not to write bytecode: the window then starts without compiling its modules."""
    subprocess.run([str(PY), "-m", "compileall", "-q", str(ROOT / "pos_app")], check=False)


def requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def start_till(rest: list[str]) -> int:
    caisse = str(VENV / "bin" / "caisse")
    code = run([caisse, "init", "--demo", "--if-empty"])
    if code != 0:
        return code
    if not has_display():
        # A headless machine still runs the real window, on a virtual screen.
        print("No display found: the till runs on a virtual X screen (Xvfb).", flush=True)
        return run(["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", caisse, *rest],
                   env={"QT_QPA_PLATFORM": "xcb"})
    return run([caisse, *rest])


def start_server(rest: list[str]) -> int:
    """The central server on this machine, on SQLite in .dev-server/ (created on first
    run), until Ctrl+C; `rest` goes to `caisse-server run` (e.g. --port 8800)."""
    server = [str(VENV / "bin" / "caisse-server"), "--data-dir", str(SERVER_DATA)]
    code = run([*server, "init"])
    if code != 0:
        return code
    port = rest[rest.index("--port") + 1] if "--port" in rest[:-1] else "8765"
    print(f"Sync server: http://127.0.0.1:{port}/v1/ (data in {SERVER_DATA})\n"
          f"Enrol a till: .venv/bin/caisse-server --data-dir {SERVER_DATA.name} enrol-code"
          " --till \"Caisse 1\"\n", flush=True)
    return run([*server, "run", *rest])


def ensure_postgresql() -> bool:
    """Whether PostgreSQL answers on 127.0.0.1:5432, for the server's tests; as root,
    this machine's clusters are started first when it does not."""
    if postgresql_answers():
        return True
    clusters = Path("/etc/postgresql")
    if os.geteuid() == 0 and shutil.which("pg_ctlcluster") and clusters.is_dir():
        print("Starting PostgreSQL for the server's tests", flush=True)
        for version in sorted(path.name for path in clusters.iterdir()):
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "start"], check=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if postgresql_answers():
                return True
            time.sleep(0.2)  # polled until the deadline: the cluster opens its port
    print("PostgreSQL does not answer on 127.0.0.1:5432: the server's PostgreSQL tests"
          " are skipped (in CI they fail)", flush=True)
    return False


def postgresql_answers() -> bool:
    try:
        with socket.create_connection(POSTGRESQL, timeout=2):
            return True
    except OSError:
        return False


def test_environment() -> dict[str, str]:
    """In CI, PostgreSQL's tests must run: they fail when it does not answer."""
    return {REQUIRE_POSTGRESQL: "required"} if os.environ.get("CI") else {}


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(command: list[str], env: dict[str, str] | None = None) -> int:
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(command, cwd=ROOT, env=full_env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
