"""Monthly archives: written as a zip, checked with nothing but the zip, and any change
to it found."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

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
    EmptyPeriod,
    check_archive,
    export_archive,
)
from pos_app.services.closures import finish_closure
from pos_app.services.context import Context
from pos_app.services.journal import verify_journal
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from tests.integration.test_cli import caisse
from tests.integration.test_selling_services import basket_of

JULY = (datetime(2026, 6, 30, 22, tzinfo=UTC), datetime(2026, 7, 31, 22, tzinfo=UTC))
AUGUST = (JULY[1], datetime(2026, 8, 31, 22, tzinfo=UTC))


@pytest.fixture
def two_months(ctx: Context, cashier: StaffMember, clock: FrozenClock) -> Context:
    """Sales on 11 July and on 3 August (each day's till opens with its first sale)."""
    for day in (datetime(2026, 7, 11, 8, tzinfo=UTC), datetime(2026, 8, 3, 8, tzinfo=UTC)):
        clock.current = day
        for _ in range(3):
            clock.advance(timedelta(minutes=10))
            selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 200)])
        clock.current = day + timedelta(days=2)
        finish_closure(ctx, sign_in(ctx, "gerant", "4321"))
    return ctx


def test_a_month_mid_chain_verifies_with_the_archive_alone(
        two_months: Context, manager: StaffMember, tmp_path: Path) -> None:
    files = export_archive(two_months, manager, *AUGUST, "2026-08")
    write_archive(tmp_path / "2026-08.zip", files)
    report = check_archive(read_archive(tmp_path / "2026-08.zip"), verify_signature)
    assert report.ok, report.problems
    # August's Z, and July's monthly closure made with it.
    assert report.entries["order"] == 3 and report.entries["closure"] == 2
    manifest = json.loads(files[MANIFEST_FILE])
    assert manifest["chains"]["order"]["first"] == 4  # after July's three sales
    assert report.public_key == two_months.signer.public_key
    assert verify_journal(two_months).ok  # the export is journaled too


def test_any_change_to_an_archive_is_found(two_months: Context,
                                           manager: StaffMember) -> None:
    files = export_archive(two_months, manager, *JULY, "2026-07")
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


def test_only_a_manager_exports_and_an_empty_month_is_said(
        two_months: Context, cashier: StaffMember, manager: StaffMember) -> None:
    with pytest.raises(NotAllowed):
        export_archive(two_months, cashier, *JULY, "2026-07")
    with pytest.raises(EmptyPeriod):
        export_archive(two_months, manager, datetime(2025, 1, 1, tzinfo=UTC),
                       datetime(2025, 2, 1, tzinfo=UTC), "2025-01")


def test_export_and_verify_on_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    caisse(data_dir, "order", "create", staff="caissier", secret="1234",
           stdin=json.dumps({"lines": [{"product": "cafe"}],
                             "payments": [{"method": "ESP", "amount": "2"}]}))
    month = datetime.now(ZoneInfo("Europe/Paris")).strftime("%Y-%m")  # the till's month
    out = tmp_path / "archive.zip"
    written = caisse(data_dir, "archive", "export", "--period", month, str(out),
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
