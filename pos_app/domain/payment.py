"""Payment methods as data, and the R5 rule for taking a payment against what is left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.errors import InvalidAmount, Overpayment
from pos_app.domain.money import Cents, check_amount


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    """Cash, card, cheque, ANCV holiday vouchers, voucher…: configured, not coded."""

    code: str
    label: str
    gives_change: bool = False  # only cash hands change back
    opens_drawer: bool = False
    active: bool = True
    position: int = 0


@dataclass(frozen=True, slots=True)
class Payment:
    """Money handed over: `amount` is what was tendered, `change` what went back."""

    id: str
    method_code: str
    amount_cents: Cents
    change_cents: Cents
    taken_at: datetime
    staff_id: str
    till_id: str | None = None  # the till that took it, once stored (another, pulled)

    @property
    def applied_cents(self) -> Cents:
        """What the payment settles of the order."""
        return self.amount_cents - self.change_cents


def settle(method: PaymentMethod, amount_cents: Cents, left_cents: Cents) -> Cents:
    """Change due when `amount_cents` is tendered in `method` against `left_cents`.

    R5: a payment may be partial; it may exceed what is left only when the method gives
    change, so what is left never goes below zero.
    """
    if amount_cents <= 0:
        raise InvalidAmount(str(amount_cents))
    check_amount(amount_cents)  # what no screen or file lets through either
    if amount_cents <= left_cents:
        return 0
    if not method.gives_change:
        raise Overpayment(method.code, amount_cents, left_cents)
    return amount_cents - left_cents


_NOTES = (500, 1000, 2000, 5000, 10000)  # euro notes commonly handed over at a till


def quick_cash_amounts(left_cents: Cents, count: int = 4) -> list[Cents]:
    """What a customer is likely to hand over for `left_cents`: the next whole euro,
    the next 5 or 10 euros, then the notes above, e.g. 13,50 € → 14, 15, 20, 50 €."""
    if left_cents <= 0:
        return []
    candidates = {-(-left_cents // step) * step for step in (100, 500, 1000)}
    candidates |= {note for note in _NOTES if note >= left_cents}
    return sorted(candidates)[:count]
