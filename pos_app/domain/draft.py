"""A sale in progress (a draft): the basket, its payer and every payment tendered so far.

It is kept in the store as it changes, so that a till that stops in the middle of a sale
(a crash, a power cut) reopens the same sale with what the customer already handed over;
it is never in the fiscal journal until it is validated as an order. Each payment is
settled against what is left when it is taken (R5), so cash tendered beyond it gives
change and completes the sale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pos_app.domain.basket import Basket
from pos_app.domain.errors import BasketBelowPayments, DraftPaid, EmptyBasket
from pos_app.domain.money import Cents
from pos_app.domain.payment import Payment, PaymentMethod, settle


@dataclass(slots=True)
class Draft:
    id: str
    till_id: str
    staff_id: str
    started_at: datetime
    basket: Basket = field(default_factory=Basket)
    payments: list[Payment] = field(default_factory=list)
    training: bool = False
    # Each save of the basket is numbered by the screen that makes it (from 0): a save
    # that comes late never replaces a newer one. -1: nothing kept yet.
    version: int = -1

    @property
    def total_cents(self) -> Cents:
        return self.basket.total_cents

    @property
    def paid_cents(self) -> Cents:
        """What the payments settled (change is not counted as paid)."""
        return sum(payment.applied_cents for payment in self.payments)

    @property
    def left_cents(self) -> Cents:
        return self.total_cents - self.paid_cents

    @property
    def change_cents(self) -> Cents:
        return sum(payment.change_cents for payment in self.payments)

    def replace_basket(self, basket: Basket, version: int) -> bool:
        """Take the basket as the screen now has it; False when `version` is not newer
        than the one kept. The basket may grow, never fall below what was paid."""
        if version <= self.version:
            return False
        if basket.total_cents < self.paid_cents:
            raise BasketBelowPayments(self.paid_cents, basket.total_cents)
        self.basket = basket.copy()
        self.version = version
        return True

    def tender(self, method: PaymentMethod, amount_cents: Cents, payment_id: str,
               at: datetime, staff_id: str) -> Payment:
        """Take `amount_cents` in `method`, settled against what is left (R5)."""
        if self.basket.is_empty:
            raise EmptyBasket()
        left = self.left_cents
        if left <= 0:
            raise DraftPaid()
        payment = Payment(payment_id, method.code, amount_cents,
                          settle(method, amount_cents, left), at, staff_id)
        self.payments.append(payment)
        return payment

    def undo(self) -> Payment | None:
        """Give back the last payment taken (the customer changed their mind)."""
        return self.payments.pop() if self.payments else None
