"""The till's rules on a real store: kept, read back after reopening, changed only by a
manager, each change journaled with the value before in the same transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.domain.errors import InvalidPolicy, NotAllowed
from pos_app.domain.journal import Event
from pos_app.domain.policy import BLIND_COUNT, GAP_REASON_FROM, TillPolicy
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.services.policies import set_policy, till_policy
from tests.integration.test_cli import caisse, error, ok
from tests.integration.test_events import new_events, only


def test_a_rule_is_kept_and_its_change_journaled_with_the_value_before(
        ctx: Context, manager: StaffMember) -> None:
    assert till_policy(ctx) == TillPolicy()
    written = new_events(ctx, lambda: set_policy(ctx, manager, GAP_REASON_FROM, "10"))
    assert only(written, Event.SETTINGS_CHANGE) == {
        "event": "settings_change", "jet": 601, "staff_id": manager.id,
        "setting": "policy.gap_reason_from", "value": "10,00", "previous": "5,00"}
    assert till_policy(ctx).gap_reason_from_cents == 1000
    # Setting the value it has already changes nothing and journals nothing.
    assert new_events(ctx, lambda: set_policy(ctx, manager, GAP_REASON_FROM, "10,00")) == []


def test_a_cashier_cannot_change_a_rule_and_a_bad_value_writes_nothing(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    with pytest.raises(NotAllowed):
        set_policy(ctx, cashier, BLIND_COUNT, "on")
    def refused() -> None:
        with pytest.raises(InvalidPolicy):
            set_policy(ctx, manager, BLIND_COUNT, "sometimes")

    assert new_events(ctx, refused) == []
    assert till_policy(ctx) == TillPolicy()


def test_caisse_policy_shows_and_sets_the_rules(data_dir: Path) -> None:
    assert ok(caisse(data_dir, "policy", "show"))[BLIND_COUNT] == "off"
    refused = error(caisse(data_dir, "policy", "set", BLIND_COUNT, "on", staff="caissier",
                           secret="1234"))
    assert "manager" in refused["error"]
    assert ok(caisse(data_dir, "policy", "set", BLIND_COUNT, "on", staff="gerant",
                     secret="4321"))[BLIND_COUNT] == "on"
    assert ok(caisse(data_dir, "policy", "show"))[BLIND_COUNT] == "on"
