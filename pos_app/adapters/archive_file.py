"""Archives on disk: a zip file of named members (services/archive.py makes and checks
their content).

Reading is strict and bounded, since an archive comes from anywhere (an auditor checks
one handed over on a USB stick): any zip that cannot be read, or that holds anything but
the expected members once each, stored or deflated, ends in `ArchiveUnreadable` with a
sentence, never in another exception; no member is inflated beyond `MAX_MEMBER_BYTES`
whatever its header declares (a zip bomb stops there)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Collection, Mapping
from pathlib import Path

MAX_MEMBER_BYTES = 512 * 1024**2  # a month of a till's journal is far smaller than this
MAX_MEMBERS = 64  # an archive has four; a forged central directory may list millions
_ENCRYPTED = 0x1
_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say
# What a damaged or forged zip makes zipfile raise: its own errors, the inflater's, short
# reads, header fields that do not parse (struct, overflow), names that do not decode
# (UnicodeDecodeError is a ValueError), and the features it refuses (NotImplementedError,
# RuntimeError for encryption).
_ZIP_ERRORS = (OSError, EOFError, ValueError, OverflowError, struct.error, zlib.error,
               zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError)


class ArchiveUnreadable(Exception):
    pass


def write_archive(path: Path, files: Mapping[str, bytes]) -> None:
    """Written beside, then moved into place: a full disk leaves no half archive. The
    members carry one fixed time, not the export's: a period exported again is the same
    file, byte for byte."""
    temporary = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                member = zipfile.ZipInfo(name, date_time=_MEMBER_TIME)
                member.compress_type = zipfile.ZIP_DEFLATED
                member.external_attr = 0o644 << 16
                archive.writestr(member, content)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def read_archive(source: Path | bytes,
                 names: Collection[str] | None = None) -> dict[str, bytes]:
    """The members of the zip at `source` (a path, or the zip's bytes), by name. With
    `names`, a member of another name is refused (nothing else is ever inflated)."""
    label = "the archive" if isinstance(source, bytes) else str(source)
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes)
                             else source) as archive:
            return _members(archive, label, names)
    except _ZIP_ERRORS as error:
        reason = str(error) or type(error).__name__
        raise ArchiveUnreadable(f"{label} cannot be read as a zip archive: {reason}") from error


def _members(archive: zipfile.ZipFile, label: str,
             names: Collection[str] | None) -> dict[str, bytes]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveUnreadable(f"{label} holds {len(members)} members: not an archive")
    read: dict[str, bytes] = {}
    for member in members:
        name = member.filename
        if names is not None and name not in names:
            raise ArchiveUnreadable(f"{label} holds {name!r}, which no archive has")
        if name in read:
            raise ArchiveUnreadable(f"{label} holds {name} twice")
        if member.flag_bits & _ENCRYPTED:
            raise ArchiveUnreadable(f"{label}: {name} is encrypted, which no archive is")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveUnreadable(f"{label}: {name} is compressed in a way the till never"
                                    " writes")
        if member.file_size > MAX_MEMBER_BYTES:
            raise ArchiveUnreadable(f"{label} holds a member too large to be an archive")
        with archive.open(member) as file:
            # Bounded whatever the header says: a forged size cannot make it inflate more.
            content = file.read(MAX_MEMBER_BYTES + 1)
        if len(content) > MAX_MEMBER_BYTES:
            raise ArchiveUnreadable(f"{label} holds a member too large to be an archive")
        read[name] = content
    return read
