"""Monthly and yearly closures recomputed from their parts (docs/fiscal.md, "Checking a
journal"): every figure a month (year) records that comes from its Zs (months) must be
what those parts, as the closure chain holds them, add up to.

services/closures.py `_close_period` writes them: the parts following on from the
previous closure of the kind, by number; the order entries from the first part's first
to the last part's last; the orders, the takings and the cash expected and counted
summed; the perpetual totals of the last part; the period from the previous closure's
end to the latest end of its parts, and its label (the month or year of that end, in
France); and, from the parts' bodies (`summed_figures`), the sales, cancellations and
returns apart, the absolute takings, VAT per rate and money per method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from pos_app.domain.closure import local_month
from pos_app.domain.journal import Chain, JournalProblem, from_journal_time

_PART = {"month": "z", "year": "month"}


def verify_period_closures(closures: Iterable[tuple[int, Mapping[str, Any]]]
                           ) -> JournalProblem | None:
    """The first monthly or yearly closure (closure chain entry number, body) one of
    whose figures is not what its parts make, naming the figure."""
    recorded: dict[tuple[str, int], Mapping[str, Any]] = {}
    last: dict[str, Mapping[str, Any]] = {}  # kind → the latest closure of that kind
    for entry, body in closures:
        try:
            kind = body["kind"]
            if kind in _PART:
                wrong = _first_wrong(body, last.get(kind), recorded)
                if wrong is not None:
                    return JournalProblem(Chain.CLOSURE, entry, wrong)
            recorded[(kind, body["number"])] = body
            last[kind] = body
        except (KeyError, TypeError, ValueError, IndexError):
            return JournalProblem(Chain.CLOSURE, entry, "its body is not a closure's")
    return None


def _first_wrong(body: Mapping[str, Any], previous: Mapping[str, Any] | None,
                 recorded: Mapping[tuple[str, int], Mapping[str, Any]]) -> str | None:
    kind, number = body["kind"], body["number"]
    name = f"{'monthly' if kind == 'month' else 'yearly'} closure {number}"
    part = _PART[kind]
    parts = body["parts"]
    first = 1 if previous is None else previous["parts"]["last"] + 1
    if (parts["kind"], parts["first"]) != (part, first) or parts["last"] < first:
        return (f"the {name} sums {parts['kind']} closures {parts['first']} to"
                f" {parts['last']}, not those from {part} {first} on, after the previous"
                " one's")
    if number != (1 if previous is None else previous["number"] + 1):
        return f"the {name} does not follow the previous one's number"
    summed = [recorded.get((part, n)) for n in range(parts["first"], parts["last"] + 1)]
    present = [item for item in summed if item is not None]
    if len(present) != len(summed):
        return f"the {name} sums {part} closures that come after it, or not at all"
    for field, wanted, found in _figures(body, present, previous):
        if wanted != found:
            return (f"the {name} records {field} = {found!r}, but its {part} closures"
                    f" {parts['first']} to {parts['last']} make {wanted!r}")
    return None


def _figures(body: Mapping[str, Any], parts: list[Mapping[str, Any]],
             previous: Mapping[str, Any] | None) -> Iterable[tuple[str, Any, Any]]:
    """(field, what the parts make, what the closure records), in the body's order."""
    totals, cash, entries = body["grand_totals"], body["cash"], body["order_entries"]
    first, last = parts[0], parts[-1]
    end = max((part["period"]["to"] for part in parts), key=from_journal_time)
    expected = sum(_cash(part)[0] for part in parts)
    counted = sum(_cash(part)[1] for part in parts)
    yield from (
        ("order_entries.first", first["order_entries"]["first"], entries["first"]),
        ("order_entries.last", last["order_entries"]["last"], entries["last"]),
        ("orders", _sum(parts, lambda part: part["orders"]), body["orders"]),
        ("grand_totals.period_cents",
         _sum(parts, lambda part: part["grand_totals"]["period_cents"]),
         totals["period_cents"]),
        ("grand_totals.perpetual_cents", last["grand_totals"]["perpetual_cents"],
         totals["perpetual_cents"]),
        ("grand_totals.perpetual_absolute_cents",
         last["grand_totals"]["perpetual_absolute_cents"],
         totals["perpetual_absolute_cents"]),
        ("cash.expected_cents", expected, cash["expected_cents"]),
        ("cash.counted_cents", counted, cash["counted_cents"]),
        ("cash.gap_cents", counted - expected, cash["gap_cents"]),
        ("period.from", None if previous is None else previous["period"]["to"],
         body["period"]["from"]),
        ("period.to", end, body["period"]["to"]),
        ("label", _label(body["kind"], from_journal_time(end)), body["label"]),
    )
    # Those a closure written before they existed does not hold are not asked of it.
    summed = summed_figures(parts)
    for name in (*SUMMED, "vat", "payments"):
        if name in body:
            yield name, summed.get(name), body[name]


# The figures a monthly (yearly) closure sums from its parts' bodies, beside those its
# closure record keeps (orders, takings, cash): sales, cancellations and returns apart,
# VAT per rate and money per method.
SUMMED = ("sales_cents", "cancellations", "cancelled_cents", "returns", "returned_cents",
          "takings_absolute_cents")


def summed_figures(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """What a monthly (yearly) closure records of its Zs' (months') figures: each of
    SUMMED summed, `vat` summed per rate (highest first) and `payments` per method (by
    code). A figure some part does not hold (written before it existed) is left out."""
    listed = list(parts)
    figures: dict[str, Any] = {
        name: sum(part[name] for part in listed) for name in SUMMED
        if listed and all(name in part for part in listed)}
    if listed and all("vat" in part for part in listed):
        rates: dict[int, list[int]] = {}
        for part in listed:
            for line in part["vat"]:
                total = rates.setdefault(line["rate_bp"], [0, 0, 0])
                total[0] += line["excl_cents"]
                total[1] += line["vat_cents"]
                total[2] += line["total_cents"]
        figures["vat"] = [{"rate_bp": rate, "excl_cents": excl, "vat_cents": vat,
                           "total_cents": total}
                          for rate, (excl, vat, total) in sorted(rates.items(), reverse=True)]
    if listed and all("payments" in part for part in listed):
        methods: dict[str, list[int]] = {}
        for part in listed:
            for line in part["payments"]:
                total = methods.setdefault(line["method"], [0, 0, 0])
                total[0] += line["taken_cents"]
                total[1] += line["refunded_cents"]
                total[2] += line["net_cents"]
        figures["payments"] = [{"method": method, "taken_cents": taken,
                                "refunded_cents": refunded, "net_cents": net}
                               for method, (taken, refunded, net) in sorted(methods.items())]
    return figures


def _sum(parts: list[Mapping[str, Any]], figure: Callable[[Mapping[str, Any]], int]) -> int:
    return sum(figure(part) for part in parts)


def _cash(part: Mapping[str, Any]) -> tuple[int, int]:
    """The cash a part expected and counted (a Z's, a month's: the same fields)."""
    cash = part["cash"]
    return cash["expected_cents"], cash["counted_cents"]


def _label(kind: str, end: datetime) -> str:
    year, month = local_month(end)
    return f"{year}-{month:02d}" if kind == "month" else str(year)
