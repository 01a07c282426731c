"""Archives on disk: a zip file of named members (services/archive.py makes and checks
their content)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

MAX_MEMBER_BYTES = 2 * 1024**3  # a month of a till's journal is far smaller than this


class ArchiveUnreadable(Exception):
    pass


def write_archive(path: Path, files: Mapping[str, bytes]) -> None:
    """Written beside, then moved into place: a full disk leaves no half archive."""
    temporary = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def read_archive(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if any(member.file_size > MAX_MEMBER_BYTES for member in members):
                raise ArchiveUnreadable(f"{path} holds a member too large to be an archive")
            return {member.filename: archive.read(member) for member in members}
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveUnreadable(f"{path} cannot be read as a zip archive: {error}") from error
