"""The till's rules a manager sets: how a Z is counted, which gap needs a reason, who may
give a discount. They are kept in the store, so that the services enforce them (a screen
cannot skip them), and each change is journaled with the value it replaced.

Values travel as text (the store, the CLI, the journal): `parse_policy` turns a name and a
text into a checked value, or refuses with a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pos_app.domain.errors import InvalidAmount, InvalidPolicy
from pos_app.domain.money import Cents, parse_amount
from pos_app.domain.staff import Role

BLIND_COUNT = "blind_count"
GAP_REASON_FROM = "gap_reason_from"
DISCOUNT_ROLE = "discount_role"
MAX_DISCOUNT_PERCENT = "max_discount_percent"

_TRUE, _FALSE = ("on", "true", "yes", "oui", "1"), ("off", "false", "no", "non", "0")
# Who may be given the right to discount: the roles that sell.
_DISCOUNT_ROLES = (Role.CASHIER, Role.MANAGER, Role.ADMINISTRATOR)


def _amount_text(cents: Cents) -> str:
    return f"{cents // 100},{cents % 100:02d}"


@dataclass(frozen=True, slots=True)
class TillPolicy:
    # R6: the manager counts without seeing the expected cash until the count is entered.
    blind_count: bool = False
    # A Z whose cash gap is larger than this (either way) is refused without a reason.
    gap_reason_from_cents: Cents = 500
    # The least role that may lower a price (line or basket discount).
    discount_role: Role = Role.MANAGER
    # No discount takes more than this share of what it applies to.
    max_discount_percent: int = 100

    def gap_needs_reason(self, gap_cents: Cents) -> bool:
        return abs(gap_cents) > self.gap_reason_from_cents

    def as_text(self) -> dict[str, str]:
        """Each rule as the text `parse_policy` reads back (the store, the CLI)."""
        return {BLIND_COUNT: "on" if self.blind_count else "off",
                GAP_REASON_FROM: _amount_text(self.gap_reason_from_cents),
                DISCOUNT_ROLE: self.discount_role.value,
                MAX_DISCOUNT_PERCENT: str(self.max_discount_percent)}


POLICY_NAMES = tuple(TillPolicy().as_text())


def parse_policy(name: str, text: str) -> TillPolicy:
    """The default policy with `name` set from `text` (checked): used to check a value
    before it is kept, and, through `policy_from`, to read the kept ones."""
    return _with(TillPolicy(), name, text)


def _with(policy: TillPolicy, name: str, text: str) -> TillPolicy:
    value = text.strip().lower()
    if name == BLIND_COUNT:
        if value not in _TRUE + _FALSE:
            raise InvalidPolicy(name, text, "on / off")
        return replace(policy, blind_count=value in _TRUE)
    if name == GAP_REASON_FROM:
        try:
            cents = parse_amount(value)
        except InvalidAmount as error:
            raise InvalidPolicy(name, text, "an amount in euros, e.g. 5,00") from error
        if cents < 0:
            raise InvalidPolicy(name, text, "an amount of zero or more")
        return replace(policy, gap_reason_from_cents=cents)
    if name == DISCOUNT_ROLE:
        roles = {role.value: role for role in _DISCOUNT_ROLES}
        if value not in roles:
            raise InvalidPolicy(name, text, " / ".join(roles))
        return replace(policy, discount_role=roles[value])
    if name == MAX_DISCOUNT_PERCENT:
        if not value.isdigit() or not 0 <= int(value) <= 100:
            raise InvalidPolicy(name, text, "a percentage from 0 to 100")
        return replace(policy, max_discount_percent=int(value))
    raise InvalidPolicy(name, text, " / ".join(POLICY_NAMES))


def policy_from(kept: Mapping[str, str]) -> TillPolicy:
    """The policy from the kept texts; a name this version does not know is left aside (a
    newer till's store), a value it cannot read counts as unset, so a bad row costs only
    itself."""
    policy = TillPolicy()
    for name, text in kept.items():
        if name in POLICY_NAMES:
            try:
                policy = _with(policy, name, text)
            except InvalidPolicy:
                continue
    return policy
