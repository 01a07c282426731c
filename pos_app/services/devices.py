"""The till's devices (R20): a manager chooses them, and the change is journaled; a test
page shows the printer works; a code read by any reader becomes a Scan for the screen."""

from __future__ import annotations

from pos_app.domain.devices import DeviceSettings, device_settings_sections
from pos_app.domain.document import Align, Barcode, Document, DocumentKind, QrCode, Rule, Text
from pos_app.domain.journal import Event
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context
from pos_app.services.journal import record_event, record_settings_change
from pos_app.services.ports import DeviceSettingsStore


def change_device_settings(ctx: Context, staff: StaffMember, store: DeviceSettingsStore,
                           settings: DeviceSettings) -> None:
    """Saved, then journaled (a settings change is in the event journal): a file that
    cannot be written changes nothing and journals nothing."""
    staff.require(Role.MANAGER, "change the till's devices")
    before, _problems = store.load()
    store.save(settings)
    old, new = device_settings_sections(before), device_settings_sections(settings)
    for section, values in new.items():
        for key, value in values.items():
            if old[section][key] != value:
                record_settings_change(ctx, staff, f"devices.{section}.{key}", value,
                                       old[section][key])


def record_device_state(ctx: Context, device: str, problem: str | None) -> bool:
    """`device` ("printer", "drawer", "scanner", "camera") needs someone for `problem`,
    or works (None): in the event journal when that differs from what it last says of
    the device, so that an episode is one `device_error` and one `device_back` however
    many times the device is tried, by the window (across its restarts) or by a command.
    Returns whether an entry was written."""
    with ctx.uow() as uow:
        till = uow.tills.local()
        if till is None:
            return False
        last = uow.journal.last_device_event(till.id, device)
        said = (None if last is None or last.payload.get("event") == Event.DEVICE_BACK
                else last.payload.get("problem"))
        if said == problem:
            return False
        if problem is None:
            record_event(uow, ctx.signer, till.id, ctx.clock.now(), Event.DEVICE_BACK,
                         device=device)
        else:
            record_event(uow, ctx.signer, till.id, ctx.clock.now(), Event.DEVICE_ERROR,
                         device=device, problem=problem)
        uow.commit()
    return True


WATCHED_DEVICES = ("printer", "drawer", "scanner", "camera", "devices")


def device_problems(ctx: Context) -> dict[str, str]:
    """What the journal last says of each device that needs someone (the window's device
    thread journals it, once per episode): device → problem, for the devices not back."""
    problems: dict[str, str] = {}
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        if till is None:
            return problems
        for device in WATCHED_DEVICES:
            last = uow.journal.last_device_event(till.id, device)
            if last is not None and last.payload.get("event") == Event.DEVICE_ERROR:
                problems[device] = str(last.payload.get("problem"))
    return problems


def test_page(at: str, paper_mm: int) -> Document:
    """What a test print prints: every French character the till uses, €, a rule as wide
    as the paper, a QR code and a barcode, so one look says the printer is set right."""
    return Document(DocumentKind.TEST, "TEST", (
        Text("Impression test", bold=True, large=True, align=Align.CENTER),
        Text(f"Caisse — {at} — papier {paper_mm} mm", align=Align.CENTER),
        Rule(),
        Text("àâäçéèêëîïôöùûüÿœæ ÀÂÇÉÈÊËÎÏÔŒÆ € « » — 1 234,56 €"),
        Text("Gras, centré", bold=True, align=Align.CENTER),
        Text("À droite", align=Align.RIGHT),
        QrCode("CAISSE-TEST", caption="CAISSE-TEST"),
        Barcode("CAISSE-TEST"),
    ))

