"""Closing the till (R6): the X reading, the Z closure, cash counted against cash
expected, and the grand totals that monthly and yearly closures carry on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_app.domain.errors import BlindCountMissing, InvalidCashCount, NegativeCount
from pos_app.domain.money import Cents
from pos_app.domain.sync import ChainAck, JournalRef
from pos_app.domain.till import Till

# Euro notes and coins, in cents, largest first.
EURO_DENOMINATIONS: tuple[Cents, ...] = (50000, 20000, 10000, 5000, 2000, 1000, 500,
                                         200, 100, 50, 20, 10, 5, 2, 1)
MAX_PIECES = 99_999  # of one note or coin in a drawer: more is a typing mistake


class ClosureKind(StrEnum):
    Z = "z"  # the end of a till's day: counts the cash, closes the till
    MONTH = "month"  # the Zs of a calendar month, made at the first Z of the next
    YEAR = "year"  # the months of a calendar year, likewise


class CashMovementKind(StrEnum):
    FLOAT = "float"  # fond de caisse: the change put in the drawer at opening
    IN = "in"  # apport: cash added during the day
    OUT = "out"  # retrait: cash taken out (to the safe, the bank)


@dataclass(frozen=True, slots=True)
class CashCount:
    """Notes and coins counted in the drawer: denomination (cents) → how many."""

    quantities: tuple[tuple[Cents, int], ...]

    @classmethod
    def of(cls, quantities: Mapping[Cents, int]) -> CashCount:
        for denomination, quantity in quantities.items():
            if denomination not in EURO_DENOMINATIONS:
                raise InvalidCashCount(f"{denomination} cents is not a euro note or coin")
            if isinstance(quantity, bool) or not 0 <= quantity <= MAX_PIECES:
                raise InvalidCashCount(f"{quantity} is not a number of notes or coins")
        return cls(tuple(sorted(((d, q) for d, q in quantities.items() if q),
                                reverse=True)))

    @property
    def total_cents(self) -> Cents:
        return sum(denomination * quantity for denomination, quantity in self.quantities)


@dataclass(frozen=True, slots=True)
class CashFigures:
    """The drawer over a period: expected = float + taken − change + in − out − refunded."""

    float_cents: Cents
    taken_cents: Cents  # tendered in cash
    change_cents: Cents  # given back as change
    in_cents: Cents
    out_cents: Cents
    refunded_cents: Cents  # given back in cash for returns and cancellations

    @property
    def expected_cents(self) -> Cents:
        return (self.float_cents + self.taken_cents - self.change_cents + self.in_cents
                - self.out_cents - self.refunded_cents)


@dataclass(frozen=True, slots=True)
class MethodTotal:
    """What a payment method brought in over a period (change already deducted), what
    went back through it, and the difference."""

    method_code: str
    label: str
    gives_change: bool
    taken_cents: Cents
    refunded_cents: Cents

    @property
    def net_cents(self) -> Cents:
        return self.taken_cents - self.refunded_cents


@dataclass(frozen=True, slots=True)
class VatTotal:
    rate_bp: int
    excl_cents: Cents
    vat_cents: Cents
    total_cents: Cents


@dataclass(frozen=True, slots=True)
class Takings:
    """What was sold and taken back over a period, apart: sales, cancellations and
    returns (credit notes), with VAT per rate net of both."""

    orders: int
    sales_cents: Cents
    cancellations: int
    cancelled_cents: Cents  # what the cancellations took off (returns aside)
    returns: int
    returned_cents: Cents
    vat: tuple[VatTotal, ...]

    @property
    def net_cents(self) -> Cents:
        return self.sales_cents - self.cancelled_cents - self.returned_cents

    @property
    def absolute_cents(self) -> Cents:
        """Every amount counted positive: a sale taken back still shows."""
        return self.sales_cents + self.cancelled_cents + self.returned_cents


NO_TAKINGS = Takings(0, 0, 0, 0, 0, 0, ())


@dataclass(frozen=True, slots=True)
class Reading:
    """What a closure reconciles, as it stands: the X reading; a Z records it. It covers
    the till's session (what was recorded since the previous Z), whatever the clock."""

    till_id: str
    session: int  # the session's number; 0 when the till is closed (nothing since the Z)
    period_start: datetime | None  # the previous Z (None: the till's first)
    period_end: datetime
    takings: Takings
    methods: tuple[MethodTotal, ...]
    cash: CashFigures
    first_entry: int  # the order-chain entries this period covers
    last_entry: int
    # The journal heads the server last acknowledged (an enrolled till; docs/sync.md): a
    # Z records them, the witness a rewritten journal would no longer match.
    acknowledged: tuple[ChainAck, ...] = ()
    # Every chain's head (number, hash) as the reading is taken; a Z records them, so
    # that a journal cut or rewritten afterwards no longer reaches them (a Z's: after
    # the monthly and yearly closures it brings, before anything the Z itself writes).
    heads: tuple[JournalRef, ...] = ()
    till: Till | None = None  # the till read (its name and code, on the printed reading)

    @property
    def orders(self) -> int:
        return self.takings.orders

    @property
    def cancellations(self) -> int:
        return self.takings.cancellations

    @property
    def returns(self) -> int:
        return self.takings.returns

    @property
    def takings_cents(self) -> Cents:
        """Sales less cancellations and returns, VAT included."""
        return self.takings.net_cents

    @property
    def takings_absolute_cents(self) -> Cents:
        return self.takings.absolute_cents

    @property
    def vat(self) -> tuple[VatTotal, ...]:
        return self.takings.vat

    @property
    def expected_cash_cents(self) -> Cents:
        return self.cash.expected_cents


@dataclass(frozen=True, slots=True)
class GrandTotals:
    """Carried from closure to closure: the takings of the period, of all time, and of all
    time counting every amount positive (so that a sale cancelled still shows)."""

    period_cents: Cents
    perpetual_cents: Cents
    perpetual_absolute_cents: Cents

    def then(self, period_cents: Cents, period_absolute_cents: Cents) -> GrandTotals:
        return GrandTotals(period_cents, self.perpetual_cents + period_cents,
                           self.perpetual_absolute_cents + period_absolute_cents)


NO_TOTALS = GrandTotals(0, 0, 0)


@dataclass(frozen=True, slots=True)
class Closure:
    """A closure as recorded; its journal entry (`journal_number` in the closure chain)
    holds all its figures."""

    id: str
    till_id: str
    kind: ClosureKind
    number: int  # per till and kind: Z 1, 2, 3…; month 1, 2…
    period_start: datetime | None
    period_end: datetime
    staff_id: str
    orders: int
    totals: GrandTotals
    expected_cash_cents: Cents
    counted_cash_cents: Cents
    journal_number: int
    first_entry: int
    last_entry: int
    first_part: int = 0  # a monthly (yearly) closure: the Zs (months) it sums, by number
    last_part: int = 0
    gap_reason: str = ""  # a Z: why the counted cash differs from the expected, if said

    @property
    def gap_cents(self) -> Cents:
        """Counted less expected: negative when cash is missing."""
        return self.counted_cash_cents - self.expected_cash_cents


def local_month(moment: datetime) -> tuple[int, int]:
    """The calendar month in France that `moment` falls in."""
    from zoneinfo import ZoneInfo  # loaded by the first closure, not at start-up

    local = moment.astimezone(ZoneInfo("Europe/Paris"))
    return local.year, local.month


def counted_cash(expected_cents: Cents, counted_cents: Cents | None,
                 count: CashCount | None, blind: bool = False) -> Cents:
    """R6: the counted cash is the expected unless said; a count by denomination, when
    given, is the figure, and a typed figure must agree with it. Counting `blind`, the
    figure must be said: the expected cash is never taken for it."""
    if blind and counted_cents is None and count is None:
        raise BlindCountMissing()
    if count is not None:
        if counted_cents is not None and counted_cents != count.total_cents:
            raise InvalidCashCount(f"the count adds up to {count.total_cents} cents, not"
                                   f" {counted_cents}")
        return count.total_cents
    if counted_cents is not None and counted_cents < 0:
        raise NegativeCount()
    return expected_cents if counted_cents is None else counted_cents


def totals_by_rate(rows: Iterable[tuple[int, Cents, Cents, Cents]]) -> tuple[VatTotal, ...]:
    return tuple(VatTotal(*row) for row in sorted(rows, reverse=True) if any(row[1:]))
