"""Archives of closed months and years: written as a zip, the same zip each time a
period is exported again, checked with nothing but the zip, and any change to it found."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.adapters.archive_file import read_archive, write_archive
from pos_app.adapters.clock import FrozenClock
from pos_app.adapters.signing import verify_signature
from pos_app.domain.errors import NotAllowed
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.archive import (
    JOURNAL_FILE,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    PeriodNotClosed,
    UnprovenKeys,
    check_archive,
    export_archive,
)
from pos_app.services.closures import finish_closure
from pos_app.services.context import Context
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from tests.integration.tamper_store import opened_raw, rewrite_chain
from tests.integration.test_cli import caisse
from tests.integration.test_selling_services import basket_of

DAYS = (datetime(2026, 7, 11, 8, tzinfo=UTC), datetime(2026, 8, 3, 8, tzinfo=UTC),
        datetime(2026, 9, 5, 8, tzinfo=UTC))


@pytest.fixture
def two_months(ctx: Context, cashier: StaffMember, clock: FrozenClock) -> Context:
    """Sales on 11 July, 3 August and 5 September, each day with its Z two days later
    (each day's till opens with its first sale): the Z of August closes July, that of
    September closes August; September stays open."""
    for day in DAYS:
        clock.current = day
        for _ in range(3):
            clock.advance(timedelta(minutes=10))
            selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 200)])
        clock.current = day + timedelta(days=2)
        finish_closure(ctx, sign_in(ctx, "gerant", "4321"))
    return ctx


def test_a_month_mid_chain_verifies_with_the_archive_alone(
        two_months: Context, manager: StaffMember, tmp_path: Path) -> None:
    files = export_archive(two_months, manager, "2026-08")
    write_archive(tmp_path / "2026-08.zip", files)
    report = check_archive(read_archive(tmp_path / "2026-08.zip"), verify_signature)
    assert report.ok, report.problems
    # August's Z, and July's monthly closure made with it.
    assert report.entries["order"] == 3 and report.entries["closure"] == 2
    assert manifest_of(files)["closure"] == {"kind": "month", "number": 2, "entry": 4}
    manifest = json.loads(files[MANIFEST_FILE])
    assert manifest["chains"]["order"]["first"] == 4  # after July's three sales
    assert report.public_key == two_months.signer.public_key
    assert verify_journal(two_months).ok  # the export is journaled too


def test_any_change_to_an_archive_is_found(two_months: Context,
                                           manager: StaffMember) -> None:
    files = export_archive(two_months, manager, "2026-07")
    journal = files[JOURNAL_FILE].decode()
    # Bodies are JSON text inside each line: their quotes are escaped.
    changed = journal.replace('\\"total_cents\\":160', '\\"total_cents\\":150', 1).encode()
    assert changed != files[JOURNAL_FILE]

    def problems(**replaced: bytes) -> list[str]:
        return check_archive({**files, **replaced}, verify_signature).problems

    assert problems() == []
    assert problems(**{JOURNAL_FILE: changed}) == [
        "journal.jsonl is not the file the manifest describes"]
    manifest = json.loads(files[MANIFEST_FILE])
    manifest["files"][JOURNAL_FILE] = hashlib.sha256(changed).hexdigest()
    forged = json.dumps(manifest).encode()
    assert problems(**{JOURNAL_FILE: changed, MANIFEST_FILE: forged}) == [
        "the manifest's signature is not valid for the archive's public key"]
    # With the manifest signed again by the till's key, the entry itself is caught.
    resigned = two_months.signer.sign(hashlib.sha256(forged).digest()).hex().encode()
    found = problems(**{JOURNAL_FILE: changed, MANIFEST_FILE: forged,
                        SIGNATURE_FILE: resigned})
    assert found == ["order chain, entry 1: its content does not match its hash"]
    dropped = "\n".join(line for line in journal.splitlines()
                        if '"chain":"order","number":2,' not in line).encode()
    manifest["files"][JOURNAL_FILE] = hashlib.sha256(dropped).hexdigest()
    forged = json.dumps(manifest).encode()
    resigned = two_months.signer.sign(hashlib.sha256(forged).digest()).hex().encode()
    assert problems(**{JOURNAL_FILE: dropped, MANIFEST_FILE: forged,
                       SIGNATURE_FILE: resigned}) == [
        "order chain, entry 3: entry 2 is missing"]
    assert check_archive({JOURNAL_FILE: b""}, verify_signature).problems == [
        "the archive lacks manifest.json, manifest.sig, public_key.txt"]


def manifest_of(files: dict[str, bytes]) -> dict[str, object]:
    manifest: dict[str, object] = json.loads(files[MANIFEST_FILE])
    return manifest


def test_only_a_manager_exports_and_only_a_closed_period(
        two_months: Context, cashier: StaffMember, manager: StaffMember) -> None:
    with pytest.raises(NotAllowed):
        export_archive(two_months, cashier, "2026-07")
    for period in ("2026-09", "2025-01", "2026"):  # September has no monthly closure yet
        with pytest.raises(PeriodNotClosed, match="only closed periods are archived"):
            export_archive(two_months, manager, period)


def test_a_period_exported_again_is_the_same_file(
        two_months: Context, manager: StaffMember, tmp_path: Path,
        clock: FrozenClock) -> None:
    write_archive(tmp_path / "first.zip", export_archive(two_months, manager, "2026-07"))
    clock.advance(timedelta(days=3))
    selling.sell(two_months, manager, basket_of(two_months, "cafe"),
                 [PaymentRequest("ESP", 200)])
    export_archive(two_months, manager, "2026-08")
    write_archive(tmp_path / "again.zip", export_archive(two_months, manager, "2026-07"))
    assert (tmp_path / "first.zip").read_bytes() == (tmp_path / "again.zip").read_bytes()


def test_a_closed_year_is_archived_whole(two_months: Context, manager: StaffMember,
                                         clock: FrozenClock) -> None:
    clock.current = datetime(2027, 1, 4, 8, tzinfo=UTC)
    selling.sell(two_months, manager, basket_of(two_months, "cafe"),
                 [PaymentRequest("ESP", 200)])
    finish_closure(two_months, manager)  # closes September, then the year 2026
    files = export_archive(two_months, manager, "2026")
    report = check_archive(files, verify_signature)
    assert report.ok, report.problems
    assert report.entries["order"] == 9  # July's, August's and September's sales
    assert manifest_of(files)["closure"] == {"kind": "year", "number": 1, "entry": 7}
    months = [export_archive(two_months, manager, month)
              for month in ("2026-07", "2026-08", "2026-09")]
    lines = [line for files in months for line in files[JOURNAL_FILE].splitlines()]
    assert sorted(lines) == sorted(files[JOURNAL_FILE].splitlines())  # the months, together


def test_no_archive_vouches_for_entries_signed_by_a_key_put_in_the_store(
        two_months: Context, manager: StaffMember, data_dir: Path) -> None:
    """July's first sale re-signed with a fresh key recorded in till_keys: the till's
    key would sign a manifest listing that key, so the export is refused."""
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key().public_bytes_raw().hex()
    key_id = hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16]
    with opened_raw(data_dir) as raw:
        raw.execute("INSERT INTO till_keys (key_id, public_key, created_at)"
                    " SELECT ?, ?, created_at FROM till_keys LIMIT 1", (key_id, public))
        rewrite_chain(raw, "order", 1, forger.sign, key_id)
    with pytest.raises(UnprovenKeys, match="caisse journal verify"):
        export_archive(two_months, manager, "2026-07")


def test_export_and_verify_on_the_command_line(two_months: Context, data_dir: Path,
                                               tmp_path: Path) -> None:
    out = tmp_path / "archive.zip"
    refused = caisse(data_dir, "archive", "export", "--period", "2026-09", str(out),
                     staff="gerant", secret="4321")
    assert refused.returncode == 1 and "2026-09 is not closed" in refused.stdout
    assert not out.exists()
    written = caisse(data_dir, "archive", "export", "--period", "2026-08", str(out),
                     staff="gerant", secret="4321")
    assert written.returncode == 0, written.stderr
    checked = caisse(tmp_path / "no-store-here", "archive", "verify", str(out))
    assert checked.returncode == 0 and json.loads(checked.stdout)["ok"] is True
    assert not (tmp_path / "no-store-here").exists()  # the archive alone was enough
    with zipfile.ZipFile(out, "a") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("journal.jsonl", b"{}")  # a second member of that name: the last wins
    assert caisse(tmp_path, "archive", "verify", str(out)).returncode == 1
    (tmp_path / "not-a-zip.zip").write_bytes(b"PK nothing")
    refused = caisse(tmp_path, "archive", "verify", str(tmp_path / "not-a-zip.zip"))
    assert refused.returncode == 1 and "cannot be read as a zip" in refused.stdout
