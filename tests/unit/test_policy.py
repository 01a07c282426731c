"""The till's rules (domain/policy.py): each value checked, kept as text, read back."""

from __future__ import annotations

import pytest

from pos_app.domain.errors import InvalidPolicy
from pos_app.domain.policy import (
    BLIND_COUNT,
    DISCOUNT_ROLE,
    GAP_REASON_FROM,
    MAX_DISCOUNT_PERCENT,
    TillPolicy,
    parse_policy,
    policy_from,
)
from pos_app.domain.staff import Role


def test_the_defaults_count_openly_and_let_only_managers_discount() -> None:
    policy = TillPolicy()
    assert not policy.blind_count
    assert policy.discount_role is Role.MANAGER
    assert policy.as_text() == {BLIND_COUNT: "off", GAP_REASON_FROM: "5,00",
                                DISCOUNT_ROLE: "manager", MAX_DISCOUNT_PERCENT: "100"}


@pytest.mark.parametrize(("name", "text", "expected"), [
    (BLIND_COUNT, "oui", TillPolicy(blind_count=True)),
    (BLIND_COUNT, " OFF ", TillPolicy()),
    (GAP_REASON_FROM, "2,50", TillPolicy(gap_reason_from_cents=250)),
    (GAP_REASON_FROM, "0", TillPolicy(gap_reason_from_cents=0)),
    (DISCOUNT_ROLE, "cashier", TillPolicy(discount_role=Role.CASHIER)),
    (MAX_DISCOUNT_PERCENT, "30", TillPolicy(max_discount_percent=30)),
])
def test_a_value_is_read_and_written_back_the_same(name: str, text: str,
                                                   expected: TillPolicy) -> None:
    policy = parse_policy(name, text)
    assert policy == expected
    assert parse_policy(name, policy.as_text()[name]) == policy


@pytest.mark.parametrize(("name", "text"), [
    (BLIND_COUNT, "maybe"), (GAP_REASON_FROM, "-1"), (GAP_REASON_FROM, "cinq"),
    (DISCOUNT_ROLE, "checker"), (MAX_DISCOUNT_PERCENT, "101"), (MAX_DISCOUNT_PERCENT, "-5"),
    ("colour", "blue"),
])
def test_a_value_the_rule_cannot_take_is_refused_with_what_it_takes(name: str,
                                                                    text: str) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        parse_policy(name, text)
    assert (refused.value.name, refused.value.text) == (name, text)
    assert refused.value.expected


def test_a_gap_needs_a_reason_only_beyond_the_threshold_either_way() -> None:
    policy = TillPolicy(gap_reason_from_cents=500)
    assert [policy.gap_needs_reason(gap) for gap in (0, 500, -500, 501, -501)] == [
        False, False, False, True, True]


def test_kept_values_a_version_cannot_read_count_as_unset() -> None:
    kept = {BLIND_COUNT: "on", DISCOUNT_ROLE: "nobody", "from_a_newer_till": "x"}
    assert policy_from(kept) == TillPolicy(blind_count=True)
