"""The code readers and printers a till can find by itself: serial ports (USB serial
adapters say what they are) and cameras (video device nodes, with the name the driver
gives)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

VIDEO_CLASS = Path("/sys/class/video4linux")


class Found(NamedTuple):
    address: str  # what goes in the settings
    description: str


def serial_ports() -> list[Found]:
    from serial.tools import list_ports

    return [Found(port.device, port.description or port.name or "")
            for port in sorted(list_ports.comports(), key=lambda port: port.device)]


def cameras(video_class: Path = VIDEO_CLASS) -> list[Found]:
    """Linux cameras, from their /sys entries (no device is opened: listing never takes
    a camera another program uses)."""
    if not video_class.is_dir():
        return []
    found = []
    for entry in sorted(video_class.iterdir(), key=lambda path: _number(path.name)):
        name_file = entry / "name"
        name = name_file.read_text(encoding="utf-8", errors="replace").strip() if (
            name_file.is_file()) else ""
        found.append(Found(f"/dev/{entry.name}", name))
    return found


def _number(name: str) -> int:
    digits = "".join(char for char in name if char.isdigit())
    return int(digits) if digits else 0
