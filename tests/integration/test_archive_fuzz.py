"""`archive verify` on damaged or forged archives: every one ends in a sentence (the
reader's `ArchiveUnreadable` or a report with problems), never in another exception,
and none is called sound unless the members read are the original's.

The campaign takes a real archive exported from a real store and checks thousands of
copies with random byte flips and truncations, in this process. Fast by default (2,000
cases, a few seconds; the flips are seeded, the zip's time stamps are the run's); longer
runs:

    CAISSE_ARCHIVE_FUZZ_CASES=100000 CAISSE_ARCHIVE_FUZZ_SEED=7 \\
        python3 dev.py test tests/integration/test_archive_fuzz.py

The figures are printed at the end of the run's summary, with or without `-s`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import struct
import subprocess
import sys
import time
import traceback
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pos_app.adapters import archive_file
from pos_app.adapters.archive_file import ArchiveUnreadable, read_archive, write_archive
from pos_app.adapters.signing import verify_signature
from pos_app.domain.staff import StaffMember
from pos_app.services.archive import (
    ARCHIVE_FILES,
    JOURNAL_FILE,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    check_archive,
    export_archive,
)
from pos_app.services.context import Context
from tests.integration.test_archive import two_months  # noqa: F401  (a fixture)
from tests.integration.test_cli import caisse

CASES = int(os.environ.get("CAISSE_ARCHIVE_FUZZ_CASES", "2000"))
SEED = int(os.environ.get("CAISSE_ARCHIVE_FUZZ_SEED", "20261130"))


@pytest.fixture
def exported(two_months: Context, manager: StaffMember,  # noqa: F811
             tmp_path: Path) -> tuple[bytes, dict[str, bytes]]:
    """A real archive's bytes, as written to disk, and its members."""
    files = export_archive(two_months, manager, "2026-08")
    write_archive(tmp_path / "2026-08.zip", files)
    return (tmp_path / "2026-08.zip").read_bytes(), files


def verdict(data: bytes | dict[str, bytes]) -> tuple[str, dict[str, bytes] | None]:
    """How the checker answers the zip's bytes (or members already read): 'unreadable',
    'broken' or 'sound' (with the members read). Any other exception propagates: that is
    the failure looked for."""
    try:
        files = read_archive(data, ARCHIVE_FILES) if isinstance(data, bytes) else data
    except ArchiveUnreadable as error:
        assert str(error)  # a sentence
        return "unreadable", None
    report = check_archive(files, verify_signature)
    if report.ok:
        return "sound", files
    assert all(isinstance(problem, str) and problem for problem in report.problems)
    return "broken", files


def damaged(original: bytes, members: dict[str, bytes],
            generator: random.Random) -> tuple[str, bytes | dict[str, bytes]]:
    """One damaged copy: flipped bytes anywhere, flips in the zip's directory (its last
    bytes, where sizes, offsets and names are), a truncation, or both; or one member's
    bytes flipped or cut past the zip (whose CRCs would refuse most such changes before
    the checker reads the content)."""
    kind = generator.choice(("flip", "flip", "flip directory", "truncate", "truncate+flip",
                             "member"))
    if kind == "member":
        name = generator.choice(ARCHIVE_FILES)
        content = bytearray(members[name])
        if generator.random() < 0.3:
            del content[generator.randrange(len(content) + 1):]
        for _flip in range(generator.choice((1, 1, 2, 5))):
            if content:
                content[generator.randrange(len(content))] ^= generator.randrange(1, 256)
        return f"member {name}", {**members, name: bytes(content)}
    data = bytearray(original)
    if kind.startswith("truncate"):
        del data[generator.randrange(len(data)):]
    flips = generator.choice((1, 1, 1, 2, 3, 8))
    if "flip" in kind and data:
        low = max(0, len(data) - 300) if kind == "flip directory" else 0
        for _flip in range(flips):
            data[generator.randrange(low, len(data))] ^= generator.randrange(1, 256)
    return kind, bytes(data)


def test_random_damage_never_raises_and_is_never_called_sound(
        exported: tuple[bytes, dict[str, bytes]],
        record_property: Callable[[str, object], None]) -> None:
    original, members = exported
    assert verdict(original) == ("sound", members)
    generator = random.Random(SEED)
    figures: Counter[str] = Counter()
    started = time.monotonic()
    for case in range(CASES):
        kind, data = damaged(original, members, generator)
        try:
            outcome, files = verdict(data)
        except Exception:  # noqa: BLE001  (what the campaign is after: report the case)
            pytest.fail(f"case {case} ({kind}, seed {SEED}) raised:\n"
                        f"{traceback.format_exc()}")
        if outcome == "sound":
            # A flip in what the zip does not check (a time stamp, an attribute) may
            # leave every member as it was: only then may it be sound.
            assert files == members, f"case {case} ({kind}, seed {SEED}) called sound"
            outcome = "sound, members identical" + (" (bytes too)" if data == original
                                                     else "")
        figures[outcome] += 1
    seconds = time.monotonic() - started
    line = (f"archive fuzz (seed {SEED}): {CASES} damaged archives in {seconds:.1f} s; "
            + ", ".join(f"{key}: {n}" for key, n in sorted(figures.items())))
    record_property("archive fuzz", line)
    print(line)
    assert figures["unreadable"] + figures["broken"] > CASES // 2


def zipped(members: dict[str, bytes], stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED if stored
                         else zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def declared_size(data: bytes, size: int) -> bytes:
    """The zip with every member's uncompressed size, in the local headers and the
    central directory, said to be `size`."""
    patched = bytearray(data)
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = patched.find(signature)
        while start != -1:
            patched[start + at:start + at + 4] = struct.pack("<I", size)
            start = patched.find(signature, start + 4)
    return bytes(patched)


def test_each_kind_of_bad_zip_is_said(exported: tuple[bytes, dict[str, bytes]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    original, members = exported

    def refusal(data: bytes) -> str:
        with pytest.raises(ArchiveUnreadable) as raised:
            read_archive(data, ARCHIVE_FILES)
        return str(raised.value)

    assert "cannot be read as a zip" in refusal(original[: len(original) // 2])
    assert "cannot be read as a zip" in refusal(b"")
    assert "holds journal.jsonl twice" in refusal(_twice(members))
    assert "which no archive has" in refusal(zipped({**members, "extra.bin": b"x"}))
    # Sizes said larger than any archive: refused before anything is inflated.
    assert "too large" in refusal(declared_size(original, 0xFFFFFFF0))
    # A zip bomb: more than the bound once inflated, whatever its header says.
    monkeypatch.setattr(archive_file, "MAX_MEMBER_BYTES", 1024 * 1024)
    bomb = zipped({**members, JOURNAL_FILE: bytes(8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    assert "too large" in refusal(bomb)
    assert "cannot be read as a zip" in refusal(declared_size(bomb, 1000))  # it lies
    # A member compressed another way, or encrypted.
    other = bytearray(zipped(members, stored=True))
    for signature, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = other.find(signature)
        other[start + at:start + at + 2] = struct.pack("<H", zipfile.ZIP_LZMA)
    assert "compressed in a way" in refusal(bytes(other))
    encrypted = bytearray(zipped(members, stored=True))
    start = encrypted.find(b"PK\x01\x02")
    encrypted[start + 8] |= 1
    assert "encrypted" in refusal(bytes(encrypted))


def _twice(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, content in members.items():
            archive.writestr(name, content)
        archive.writestr(JOURNAL_FILE, b"{}")
    return buffer.getvalue()


def test_members_of_the_wrong_shape_are_said(two_months: Context,  # noqa: F811
                                             manager: StaffMember) -> None:
    """Even in a manifest signed again by the till's key (as a forger with the key would
    sign one of their own), wrong types end in a problem, not an exception."""
    files = export_archive(two_months, manager, "2026-08")
    manifest = json.loads(files[MANIFEST_FILE])

    def problems(manifest_value: Any = None, journal: bytes | None = None,
                 **replaced: bytes) -> list[str]:
        changed = {**files, **replaced}
        if journal is not None:
            changed[JOURNAL_FILE] = journal
            body = manifest if manifest_value is None else manifest_value
            body = {**body, "files": {JOURNAL_FILE: hashlib.sha256(journal).hexdigest()}}
            manifest_value = body
        if manifest_value is not None:
            text = json.dumps(manifest_value).encode()
            changed[MANIFEST_FILE] = text
            changed[SIGNATURE_FILE] = two_months.signer.sign(
                hashlib.sha256(text).digest()).hex().encode()
        report = check_archive(changed, verify_signature)
        assert not report.ok
        return report.problems

    assert problems(**{MANIFEST_FILE: b"\xff not json"})[0].startswith(
        "the manifest or its signature cannot be read")
    assert problems(**{SIGNATURE_FILE: b"zz"})[0].startswith("the manifest or its signature")
    assert problems(**{"public_key.txt": "clé".encode()})[0].startswith("the manifest")
    # The same signature or key written otherwise: not the archive the till wrote.
    for name, text in ((SIGNATURE_FILE, files[SIGNATURE_FILE].upper()),
                       (SIGNATURE_FILE, files[SIGNATURE_FILE] + b"\n"),
                       ("public_key.txt", files["public_key.txt"].upper()),
                       ("public_key.txt", b" " + files["public_key.txt"])):
        assert problems(**{name: text}) == [
            f"{name} is not written as the till writes it (lowercase hex only)"]
    assert problems([1, 2]) == ["manifest.json is not a JSON object"]
    assert problems(**{MANIFEST_FILE: b"[" * 100_000})[0].startswith(
        "the manifest or its signature")
    for wrong in ({"chains": []}, {"chains": {"order": {**manifest["chains"]["order"],
                                                       "first": "1"}}},
                  {"chains": {"order": {**manifest["chains"]["order"], "last": True}}},
                  {"keys": {"k": 5}}, {"keys": []}, {"files": None}, {"till": "x"},
                  {"signing_key": ["k"]}, {"period": 2026}, {"format": "other"}):
        found = problems({**manifest, **wrong})
        assert len(found) == 1 and found[0].startswith("manifest.json: "), (wrong, found)
    line = json.loads(files[JOURNAL_FILE].decode().split("\n")[0])
    for bad in ([], "text", {**line, "number": "1"}, {**line, "amount_cents": 1.5},
                {**line, "signature": "not hex"}, {**line, "body": {"a": 1}},
                {**line, "key_id": ["k"]}, {k: v for k, v in line.items() if k != "hash"}):
        found = problems(journal=(json.dumps(bad) + "\n").encode())
        assert found[0].startswith("journal.jsonl cannot be read: line 1"), (bad, found)
    assert problems(journal=b"not json\n")[0].startswith("journal.jsonl cannot be read")
    assert problems(journal=b"\xff\n")[0].startswith("journal.jsonl cannot be read")
    assert problems(journal=b"[" * 100_000)[0].startswith("journal.jsonl cannot be read")
    assert problems(**{JOURNAL_FILE: b"x"}) == [
        "journal.jsonl is not the file the manifest describes"]
    del files[MANIFEST_FILE]
    assert check_archive(files, verify_signature).problems == [
        "the archive lacks manifest.json"]


def test_the_command_line_says_it_in_a_sentence(exported: tuple[bytes, dict[str, bytes]],
                                                tmp_path: Path) -> None:
    original, _members = exported
    (tmp_path / "cut.zip").write_bytes(original[: len(original) - 40])
    for json_output in (True, False):
        args = ["archive", "verify", str(tmp_path / "cut.zip")]
        if json_output:
            refused = caisse(tmp_path / "nowhere", *args)
        else:
            refused = subprocess.run([sys.executable, "-m", "pos_app", *args],
                                     capture_output=True, text=True, timeout=60,
                                     check=False)
        assert refused.returncode == 1, refused.stderr
        assert "Traceback" not in refused.stdout + refused.stderr
        assert "cannot be read as a zip archive" in refused.stdout + refused.stderr
