"""What a Z's order entries and its session's cash movements add up to, and each Z's
signed figures checked against them (docs/fiscal.md, "Checking a journal", item 15).
domain/order_chain_check.py fills the figures as it reads the order chain."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pos_app.domain.journal import Chain, JournalProblem

Row = tuple[Any, ...]
# What reading a body of a shape no till writes raises (a key missing, a wrong type…).
SHAPE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def not_written_so(error: Exception) -> str:
    """What a body whose shape no till writes (a key missing, a wrong type) is said to be."""
    return f"its body is not one the till writes ({type(error).__name__}: {error})"


def said(value: Any) -> str:
    """A value as a problem names it (amounts with a thin grouping, texts quoted)."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "nothing"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return repr(value) if isinstance(value, str) else json.dumps(value, default=str)


class Figures:
    """What one Z's order entries add up to (VAT per rate, payments per method)."""

    __slots__ = ("absolute", "amounts", "cancellations", "cancelled", "orders", "refunded",
                 "returned", "returns", "sales", "sold_vat", "taken", "vat")

    def __init__(self) -> None:
        # The sum of the entries' amounts, and of their absolute values: the grand totals'
        # check reads them here rather than summing the order chain again.
        self.amounts = self.absolute = 0
        self.orders = self.sales = self.cancellations = self.cancelled = 0
        self.returns = self.returned = 0
        self.vat: dict[int, list[int]] = {}  # rate → [excl, vat, total]
        self.taken: dict[str, list[int]] = {}  # method → [amount, change]
        self.refunded: dict[str, int] = {}
        # The sales' VAT as their entries write it ('"total_excl_cents":…,"vat":[…]') →
        # how many sales: most share theirs with many others, added up once, at the end.
        self.sold_vat: dict[str, int] = {}

    def vat_per_rate(self, parsed: dict[str, Any] | None = None) -> dict[int, list[int]]:
        """VAT per rate, the sales' included. `parsed`: the VAT texts already parsed (the
        same texts come again in Z after Z), kept across calls."""
        per_rate = {rate: list(sums) for rate, sums in self.vat.items()}
        parsed = {} if parsed is None else parsed
        for text, count in self.sold_vat.items():
            lines = parsed.get(text)
            if lines is None:
                lines = parsed[text] = json.loads(text[text.index('"vat":') + 6:])
            for line in lines:
                sums = per_rate.setdefault(line["rate_bp"], [0, 0, 0])
                sums[0] += count * line["excl_cents"]
                sums[1] += count * line["vat_cents"]
                sums[2] += count * line["total_cents"]
        return per_rate

    def add_vat(self, rows: Iterable[Row], sign: int) -> None:
        for row in rows:
            per_rate = self.vat.get(row[1])
            if per_rate is None:
                per_rate = self.vat[row[1]] = [0, 0, 0]
            per_rate[0] += sign * row[2]
            per_rate[1] += sign * row[3]
            per_rate[2] += sign * row[4]

    def add_payment(self, method: str, amount: int, change: int) -> None:
        taken = self.taken.get(method)
        if taken is None:
            taken = self.taken[method] = [0, 0]
        taken[0] += amount
        taken[1] += change


def recompute_zs(zs: Sequence[tuple[int, Mapping[str, Any]]], figures: Sequence[Figures],
                 moved: Mapping[int, Mapping[str, int]],
                 cash_methods: frozenset[str]) -> JournalProblem | None:
    """Each Z's signed figures against those of the order entries it covers (`figures`,
    one per Z) and of its session's cash movements (`moved`, by session number);
    `cash_methods` are the payment methods that give change (the drawer's)."""
    parsed: dict[str, Any] = {}  # the sales' VAT texts, parsed once for all the Zs
    for (number, body), found in zip(zs, figures, strict=True):
        try:
            reason = _z_differs(body, found, moved.get(body["session"], {}), cash_methods,
                                parsed)
        except SHAPE_ERRORS as error:
            reason = not_written_so(error)
        if reason is not None:
            return JournalProblem(Chain.CLOSURE, number, reason)
    return None


def _z_differs(body: Mapping[str, Any], found: Figures, moved: Mapping[str, int],
               cash_methods: frozenset[str], parsed: dict[str, Any]) -> str | None:
    vat = [{"rate_bp": rate, "excl_cents": sums[0], "vat_cents": sums[1],
            "total_cents": sums[2]}
           for rate, sums in sorted(found.vat_per_rate(parsed).items(), reverse=True)
           if any(sums)]
    payments, cash_taken, cash_change, cash_refunded = [], 0, 0, 0
    for method in sorted(found.taken.keys() | found.refunded.keys()):
        amount, change = found.taken.get(method, (0, 0))
        refunded = found.refunded.get(method, 0)
        payments.append({"method": method, "taken_cents": amount - change,
                         "refunded_cents": refunded, "net_cents": amount - change - refunded})
        if method in cash_methods:
            cash_taken, cash_change = cash_taken + amount, cash_change + change
            cash_refunded += refunded
    cash = body["cash"]
    expected = (moved.get("float", 0) + cash_taken - cash_change + moved.get("in", 0)
                - moved.get("out", 0) - cash_refunded)
    drawer = [p["method"] for p in payments if p["method"] in cash_methods]
    methods = sorted([(p["method"], p["net_cents"]) for p in payments
                      if p["method"] not in cash_methods]
                     + [(drawer[0] if drawer else "cash", expected)])
    takings = found.sales - found.cancelled - found.returned
    entries = body["order_entries"]
    for name, computed, signed in (
            ("orders", found.orders, body["orders"]),
            ("sales_cents", found.sales, body["sales_cents"]),
            ("cancellations", found.cancellations, body["cancellations"]),
            ("cancelled_cents", found.cancelled, body["cancelled_cents"]),
            ("returns", found.returns, body["returns"]),
            ("returned_cents", found.returned, body["returned_cents"]),
            ("VAT per rate", vat, body["vat"]),
            ("takings_cents", takings, body["takings_cents"]),
            ("takings_absolute_cents", found.sales + found.cancelled + found.returned,
             body["takings_absolute_cents"]),
            ("payments per method", payments, body["payments"]),
            ("cash float_cents", moved.get("float", 0), cash["float_cents"]),
            ("cash taken_cents", cash_taken, cash["taken_cents"]),
            ("cash change_cents", cash_change, cash["change_cents"]),
            ("cash in_cents", moved.get("in", 0), cash["in_cents"]),
            ("cash out_cents", moved.get("out", 0), cash["out_cents"]),
            ("cash refunded_cents", cash_refunded, cash["refunded_cents"]),
            ("cash expected_cents", expected, cash["expected_cents"]),
            ("cash gap_cents", cash["counted_cents"] - expected, cash["gap_cents"]),
            ("expected per method", methods,
             sorted((m["method"], m["expected_cents"]) for m in body["methods"]))):
        if computed != signed:
            return (f"Z {body['number']}: its {name} is {said(signed)}, but the order"
                    f" entries it covers ({entries['first']} to {entries['last']}) and its"
                    f" session's cash movements make {said(computed)}")
    return None
