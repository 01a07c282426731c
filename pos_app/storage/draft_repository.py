"""Sales in progress: one per till, its basket lines and the payments tendered so far (and
those set aside, on hold: held_basket_repository.py). Working state, not fiscal records:
rows are replaced and removed as the sale changes."""

from __future__ import annotations

from typing import Any

from pos_app.domain.basket import Basket, BasketLine
from pos_app.domain.discount import BasketDiscount
from pos_app.domain.draft import Draft
from pos_app.domain.payment import Payment
from pos_app.domain.vat import VatRate
from pos_app.storage.sql import (
    SqlRepository,
    from_optional_utc_text,
    from_utc_text,
    utc_text,
    utc_text_or_none,
)


class SqlDrafts(SqlRepository):
    def current(self, till_id: str) -> Draft | None:
        """The till's sale in progress: the one not on hold."""
        row = self._one("SELECT id FROM drafts WHERE till_id = ? AND held_at IS NULL",
                        (till_id,))
        return None if row is None else self.get(row[0])

    def get(self, draft_id: str) -> Draft | None:
        """A sale in progress or on hold, by its id."""
        row = self._one("SELECT till_id, staff_id, started_at, payer_id, training, version,"
                        " discount_cents, discount_percent, discount_reason, discount_by"
                        " FROM drafts WHERE id = ?", (draft_id,))
        if row is None:
            return None
        till_id = row[0]
        lines = [BasketLine(r[0], r[1], r[2], r[3], r[4], r[5], VatRate(r[6]), r[7], r[8] or "",
                            r[9], 0, r[10], from_optional_utc_text(r[11]),
                            from_optional_utc_text(r[12])) for r in self._all(
            "SELECT product_id, label, price_id, price_label, unit_price_cents, quantity,"
            " vat_rate_bp, discount_cents, discount_reason, discount_by, slot_id,"
            " slot_starts_at, slot_ends_at FROM draft_lines"
            " WHERE draft_id = ? ORDER BY position", (draft_id,))]
        # The basket's discount as asked: an amount, or a percentage (cents 0).
        discount = None if row[8] is None else BasketDiscount(row[6], row[8], row[9], row[7])
        payments = [Payment(r[0], r[1], r[2], r[3], from_utc_text(r[4]), r[5]) for r in self._all(
            "SELECT id, method_code, amount_cents, change_cents, taken_at, staff_id"
            " FROM draft_payments WHERE draft_id = ? ORDER BY position", (draft_id,))]
        return Draft(draft_id, till_id, row[1], from_utc_text(row[2]),
                     Basket(lines, row[3], discount), payments, bool(row[4]), row[5])

    def save(self, draft: Draft) -> None:
        """The draft as it stands: its row, its lines and its payments."""
        discount = draft.basket.discount
        self._run("INSERT INTO drafts (id, till_id, staff_id, started_at, payer_id, training,"
                  " version, discount_cents, discount_percent, discount_reason, discount_by)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                  " payer_id = excluded.payer_id, version = excluded.version,"
                  " discount_cents = excluded.discount_cents,"
                  " discount_percent = excluded.discount_percent,"
                  " discount_reason = excluded.discount_reason,"
                  " discount_by = excluded.discount_by",
                  (draft.id, draft.till_id, draft.staff_id, utc_text(draft.started_at),
                   draft.basket.payer_id, draft.training, draft.version,
                   *((0, None, None, None) if discount is None else (
                       discount.cents, discount.percent, discount.reason, discount.by))))
        self._run("DELETE FROM draft_lines WHERE draft_id = ?", (draft.id,))
        self._many("INSERT INTO draft_lines (draft_id, position, product_id, label, price_id,"
                   " price_label, unit_price_cents, quantity, vat_rate_bp, discount_cents,"
                   " discount_reason, discount_by, slot_id, slot_starts_at, slot_ends_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(draft.id, position, line.product_id, line.label, line.price_id,
                     line.price_label, line.unit_price_cents, line.quantity, line.vat_rate,
                     line.discount_cents, line.discount_reason or None, line.discount_by,
                     line.slot_id, utc_text_or_none(line.slot_start),
                     utc_text_or_none(line.slot_end))
                    for position, line in enumerate(draft.basket.lines)])
        self._run("DELETE FROM draft_payments WHERE draft_id = ?", (draft.id,))
        self._many("INSERT INTO draft_payments (id, draft_id, position, method_code,"
                   " amount_cents, change_cents, taken_at, staff_id)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [_payment_row(draft.id, position, payment)
                    for position, payment in enumerate(draft.payments)])

    def delete(self, draft_id: str) -> None:
        for table, column in (("draft_payments", "draft_id"), ("draft_lines", "draft_id"),
                              ("drafts", "id")):
            self._run(f"DELETE FROM {table} WHERE {column} = ?", (draft_id,))


def _payment_row(draft_id: str, position: int, payment: Payment) -> tuple[Any, ...]:
    return (payment.id, draft_id, position, payment.method_code, payment.amount_cents,
            payment.change_cents, utc_text(payment.taken_at), payment.staff_id)
