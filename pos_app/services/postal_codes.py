"""Where visitors come from (R12): the orders of a period counted per postal code, as
the till asked them (`caisse orders postal-codes`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, tzinfo

from pos_app.domain.postal_code import is_french_postal_code
from pos_app.services.context import Context, local_till
from pos_app.services.periods import day_bounds
from pos_app.services.tickets import venue_zone


@dataclass(frozen=True, slots=True)
class PostalCodeCounts:
    """This till's active orders from `first_day` to `last_day` (both included, the
    venue's days): per answer, most orders first (`75011`, `abroad`, `declined`), and
    apart those the till did not ask (the setting off)."""

    first_day: date
    last_day: date
    per_answer: tuple[tuple[str, int], ...]
    not_asked: int

    @property
    def answered(self) -> int:
        return sum(count for _answer, count in self.per_answer)


def postal_code_counts(ctx: Context, first_day: date, last_day: date,
                       zone: tzinfo | None = None) -> PostalCodeCounts:
    start, end = day_bounds(first_day, last_day, zone or venue_zone())
    with ctx.uow(write=False) as uow:
        rows = uow.orders.postal_code_counts(local_till(uow).id, start, end)
    answered = sorted(((answer, count) for answer, count in rows if answer is not None),
                      key=_order_of)
    not_asked = sum(count for answer, count in rows if answer is None)
    return PostalCodeCounts(first_day, last_day, tuple(answered), not_asked)


def _order_of(row: tuple[str, int]) -> tuple[int, bool, str]:
    """Most orders first; at equal counts the postal codes in order, then abroad and
    declined."""
    answer, count = row
    return (-count, not is_french_postal_code(answer), answer)


def counts_csv(counts: PostalCodeCounts) -> str:
    """One row per answer, then the orders not asked (`postal_code` empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("postal_code", "orders"))
    writer.writerows(counts.per_answer)
    if counts.not_asked:
        writer.writerow(("", counts.not_asked))
    return out.getvalue()
