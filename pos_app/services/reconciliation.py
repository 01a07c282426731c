"""`journal verify`'s reconciliation of the business tables with the journal, and each
Z recomputed from the order chain (domain/reconciliation.py; docs/fiscal.md "Checking a
journal"), fed the rows the chains' check reads, as it reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pos_app.domain.closure_chain_check import ClosureChainCheck
from pos_app.domain.event_chain_check import EventChainCheck
from pos_app.domain.journal import Chain, JournalProblem
from pos_app.domain.order_chain_check import OrderChainCheck
from pos_app.domain.z_figures import Figures, recompute_zs

if TYPE_CHECKING:
    from pos_app.services.ports import RecordsRepository

Row = tuple[Any, ...]
# The closure chain first, then the event chain: the order chain's entries are added up
# per Z, and a Z's cash movements are its session's.
_ORDER = {Chain.CLOSURE.value: 0, Chain.EVENT.value: 1}


def in_reconciling_order(chains: Iterable[str]) -> list[str]:
    return sorted(chains, key=lambda chain: (_ORDER.get(chain, 2), chain))


class Reconciliation:
    """One till's store against its journal: give each chain's rows, as they are read (in
    `in_reconciling_order`), to its `feeder`, then ask `problems` once every chain is
    read."""

    def __init__(self, records: RecordsRepository, till_id: str) -> None:
        self._records = records
        self._till = till_id
        self._closures: ClosureChainCheck | None = None
        self._events: EventChainCheck | None = None
        self._orders: OrderChainCheck | None = None
        self._checks: list[ClosureChainCheck | EventChainCheck | OrderChainCheck] = []

    def order_totals(self, first: int, last: int) -> tuple[int, int] | None:
        """The sum and absolute sum of the amounts of order entries `first` to `last`, as
        the pass summed them for a Z (None: not summed, or not all read)."""
        return None if self._orders is None else self._orders.totals(first, last)

    def feeder(self, chain: str) -> Callable[[Row], None] | None:
        """What each of the chain's rows is given to (None: nothing reconciles it)."""
        check = self._check(chain)
        return None if check is None else check.feed

    def _check(self, chain: str) -> ClosureChainCheck | EventChainCheck | OrderChainCheck | None:
        records, till = self._records, self._till
        check: ClosureChainCheck | EventChainCheck | OrderChainCheck
        if chain == Chain.CLOSURE:
            check = self._closures = ClosureChainCheck(
                records.closures(till), records.closure_methods(till),
                records.closure_counts(till))
        elif chain == Chain.EVENT:
            check = self._events = EventChainCheck(records.cash_movements(till),
                                                   records.sessions(till))
        elif chain in (Chain.ORDER, Chain.TRAINING):
            training = chain == Chain.TRAINING
            zs = () if training or self._closures is None else self._closures.ranges()
            check = OrderChainCheck(
                chain, records.sales(till, training), records.sale_details,
                records.order_number, records.payments(till, training),
                records.refunds(till, training), records.cancellations(till, training),
                records.cancelled_vat(till, training), records.credit_notes(till, training),
                records.credit_note_lines(till, training),
                records.credit_note_vat(till, training), zs)
            if not training:
                self._orders = check
        else:
            return None
        self._checks.append(check)
        return check

    def problems(self, found: list[JournalProblem]) -> list[JournalProblem]:
        """What the reconciliation found, once the chains were read; nothing is said of a
        chain `found` broken (its rows were not all read)."""
        broken = {problem.chain for problem in found}
        problems = []
        for check in self._checks:
            chain = check.chain if isinstance(check, OrderChainCheck) else (
                Chain.CLOSURE if isinstance(check, ClosureChainCheck) else Chain.EVENT)
            if chain in broken:
                continue
            problem = check.finish()
            if problem is not None:
                problems.append(problem)
        if problems or broken & {Chain.CLOSURE, Chain.EVENT, Chain.ORDER}:
            return problems
        if self._closures is not None and self._closures.zs:
            moved = {} if self._events is None else self._events.moved
            figures = ([Figures() for _z in self._closures.zs] if self._orders is None
                       else self._orders.figures)
            if len(figures) == len(self._closures.zs):
                problem = recompute_zs(self._closures.zs, figures, moved,
                                       self._records.cash_methods())
                if problem is not None:
                    problems.append(problem)
        return problems

