"""The business tables against the journal (docs/fiscal.md, "Checking a journal").

Every row the till writes for a fiscal record (an order with its lines, VAT and
payments, a payment taken later, a refund, a credit note with its lines and VAT, a
cancellation, a cash movement, a session, a closure with its methods and count) has
the entry written in the same transaction, and agrees with it; every entry has its row.
Then each Z is recomputed from the order-chain entries it covers and its session's cash
movements, and compared with its signed figures.

One pass: `journal verify` already reads every entry to hash it; each chain's check is
fed the same rows as they go by (`feed`), with the store's rows read alongside in the
order the entries were written. A sale, nearly every entry of a journal, is checked
without parsing its body: the text its rows would give each field of the body (keys
sorted, as the journal writes it) is looked for in it. Only when a piece is missing is
the body parsed, and compared field by field, which names the difference (a field the
body holds and no table does, such as one a later version adds, is ignored). The other
entries are few and are parsed. Rows are plain tuples, in the column orders below.

This module holds what the checks share; each chain's check is a module of its own:
order_chain_check.py (the order and training chains, and the Zs' figures),
event_chain_check.py (cash movements, sessions), closure_chain_check.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pos_app.domain.money import round_half_up
from pos_app.domain.z_figures import Row, said

# Column orders (storage/records_repository.py reads them so).
# sale: id, number, staff_id, total_cents, then the text its sale entry gives (keys
#       sorted, built by SQLite): (unused), '"staff_id":…',
#       '"lines":[…],"number":…,"order_id":…,"payments":[' (what follows '{"kind":"sale",'
#       up to its payments), '"total_excl_cents":…,"vat":[…]' (after '"total_cents":…,'),
#       then its time as stored (utc_text), then its discount: cents, percent, reason, by
#       (a discounted order's or line's text is one no body holds: read whole then)
# line: order_id, position, label, price_label, quantity, unit_price_cents, vat_rate_bp,
#       total_cents, discount_cents, discount_reason, discount_by, basket_discount_cents
#       (a credit note's: credit_note_id, order_line, then the same)
# vat: owner id, rate_bp, excl_cents, vat_cents, total_cents (cancelled VAT: + sign)
# payment: id, order_id, (unused), method, amount_cents, change_cents, staff_id, the text
#          a sale entry gives it (its order's number is asked for when needed)
# refund: id, order_id, order number, credit_note_id, excess, staff_id, method, amount
# cancellation: order_id, number, cancelled_by, reason, cancelled_cents
# credit note: id, number, order_id, order number, staff_id, reason, total_cents
# cash movement: id, kind, amount_cents, reason, staff_id, at (stored time)
# session: number, opened_by
# closure: id, kind, number, period_end, staff_id, orders, takings, perpetual,
#          perpetual_absolute, expected_cash, counted_cash, journal_number, first_entry,
#          last_entry, first_part, last_part, session number, gap reason
# closure method: closure_id, method, expected, counted; count: closure_id, cents, quantity

def excl(total: int, rate: int) -> int:
    """A line's amount without VAT, as domain/vat.py `split_vat` rounds it."""
    return round_half_up(total * 10_000, 10_000 + rate)


def differs(what: str, kind: str, fields: Iterable[tuple[str, Any, Any]]) -> str | None:
    """The first field whose store value and entry value differ, said."""
    for name, stored, journaled in fields:
        if stored != journaled:
            return (f"{what}: the store says {name} {said(stored)}, its {kind} entry says"
                    f" {said(journaled)}")
    return None


def to_the_second(stored: str) -> str:
    """A stored time written as a journal time, when it is in UTC (else as it is)."""
    return f"{stored[:19]}Z" if stored.endswith("+00:00") else stored


class RowQueue:
    """Rows read one by one, with a look at the run of rows ahead that share a key.
    `first` is the row at the head (None: no rows are left), read ahead so that the
    common look, at the head alone, costs no call; `more` the rows read after it,
    `rows` those not read yet (the sale check, a million times, works them itself)."""

    __slots__ = ("_key", "first", "more", "rows")

    def __init__(self, rows: Iterable[Row], key: int) -> None:
        self.rows: Iterator[Row] = iter(rows)
        self.more: list[Row] = []  # the rows read after `first`
        self._key = key
        self.first: Row | None = next(self.rows, None)

    def run(self, value: Any) -> list[Row]:
        """The rows at the head whose key is `value`, left in place."""
        first, key = self.first, self._key
        if first is None or first[key] != value:
            return []
        more = self.more
        if not more:  # the common case, a run of one: the row after it read to see it
            row = next(self.rows, None)
            if row is None:
                return [first]
            more.append(row)
            if row[key] != value:
                return [first]
        index = 0
        while True:
            if index == len(more):
                row = next(self.rows, None)
                if row is None:
                    break
                more.append(row)
            if more[index][key] != value:
                break
            index += 1
        return [first, *more[:index]] if index else [first]

    def head(self) -> Row | None:
        return self.first

    def drop(self, count: int) -> None:
        """Take `count` rows (at most those at the head) off the head."""
        if count <= 0:
            return
        more = self.more
        if count <= len(more):
            self.first = more[count - 1]
            del more[:count]
        else:
            del more[:]
            self.first = next(self.rows, None)

    def rest(self) -> Iterator[Row]:
        if self.first is not None:
            yield self.first
        yield from self.more
        self.first, self.more = None, []
        yield from self.rows
