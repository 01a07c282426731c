"""The till's device settings in `devices.ini` beside the store: read line by line, so a
damaged line costs only that line (each one is reported), and written whole to a new
file that replaces the old only once it is on disk."""

from __future__ import annotations

import os
from pathlib import Path

from pos_app.domain.devices import (
    DeviceSettings,
    device_settings_sections,
    read_device_settings,
)
from pos_app.services.ports import SettingsNotSaved

DEVICES_FILE = "devices.ini"
HEADER = "# The till's devices (caisse devices set …, or Réglages › Périphériques)\n"


class DeviceConfigFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[DeviceSettings, list[str]]:
        """The settings, and a sentence for each line or value that could not be used."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return DeviceSettings(), []
        except (OSError, UnicodeDecodeError) as error:
            return DeviceSettings(), [f"{self.path} cannot be read ({error}):"
                                      " no device is used"]
        sections, problems = _parse(text)
        settings, refused = read_device_settings(sections)
        return settings, [*problems, *refused]

    def save(self, settings: DeviceSettings) -> None:
        lines = [HEADER]
        for section, values in device_settings_sections(settings).items():
            lines.append(f"\n[{section}]\n")
            lines += [f"{key} = {value}\n" for key, value in values.items()]
        fresh = self.path.with_name(self.path.name + ".new")
        try:
            with fresh.open("w", encoding="utf-8") as out:
                out.write("".join(lines))
                out.flush()
                os.fsync(out.fileno())
            os.replace(fresh, self.path)
        except OSError as error:  # a full disk, a read-only folder: the old file stays
            fresh.unlink(missing_ok=True)
            raise SettingsNotSaved(str(self.path), error.strerror or str(error)) from error


def _parse(text: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    sections: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    current: dict[str, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip().lower(), {})
        elif "=" in line and current is not None:
            key, _equals, value = line.partition("=")
            current[key.strip().lower()] = value.strip()
        else:
            problems.append(f"devices.ini line {number} is not understood and is skipped:"
                            f" {line[:60]!r}")
    return sections, problems
