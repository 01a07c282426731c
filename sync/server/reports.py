"""What the server holds, as the administrator's commands and the status page show it:
tills with their records, journal heads and flags; orders; each till's latest Z; the
synchronisation conflicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select

from sync.contract import Kind
from sync.server import conflicts
from sync.server.conflicts import Conflict
from sync.server.database import now, reading
from sync.server.schema import closures, journal_flags, journal_heads, orders, records, tills


def list_tills(engine: Engine) -> list[dict[str, Any]]:
    """Every till ever enrolled, those in use first, by name."""
    with reading(engine) as connection:
        rows = connection.execute(select(
            tills.c.id, tills.c.name, tills.c.key_id, tills.c.version, tills.c.enrolled_at,
            tills.c.last_contact_at, tills.c.revoked_at,
        ).order_by(tills.c.revoked_at.is_not(None), tills.c.name, tills.c.enrolled_at)
        ).mappings().all()
        held: dict[str, int] = dict(connection.execute(
            select(records.c.till_id, func.count()).group_by(records.c.till_id)).all())
        heads: dict[str, list[dict[str, Any]]] = {}
        for head in connection.execute(
                select(journal_heads).order_by(journal_heads.c.chain)).mappings():
            heads.setdefault(head["till_id"], []).append(
                {"chain": head["chain"], "number": head["number"], "hash": head["hash"],
                 "flagged": head["flagged"]})
        flags: dict[str, list[dict[str, Any]]] = {}
        for flag in connection.execute(
                select(journal_flags).order_by(journal_flags.c.id)).mappings():
            flags.setdefault(flag["till_id"], []).append(
                {"chain": flag["chain"], "number": flag["number"], "reason": flag["reason"],
                 "flagged_at": flag["flagged_at"]})
    return [{**row, "revoked": row["revoked_at"] is not None,
             "records": int(held.get(row["id"], 0)),
             "journal_heads": heads.get(row["id"], []),
             "flags": flags.get(row["id"], [])} for row in rows]


def list_orders(engine: Engine, till_name: str | None = None,
                limit: int = 50) -> list[dict[str, Any]]:
    """The newest orders (by the till's time), of the tills called `till_name` if given."""
    query = (select(orders.c.id, orders.c.number, tills.c.name.label("till"),
                    orders.c.till_id, orders.c.created_at, orders.c.total_cents,
                    orders.c.paid_cents, orders.c.returned_cents, orders.c.status)
             .join(tills, tills.c.id == orders.c.till_id)
             .order_by(orders.c.created_at.desc().nulls_last(), orders.c.number.desc())
             .limit(limit))
    if till_name is not None:
        query = query.where(tills.c.name == till_name)
    with reading(engine) as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


# -- the status page -----------------------------------------------------------------------

# The newest unresolved conflicts, and the newest journal flags (a till may push a
# disagreement again and again: each new hash is kept); the page says how many more.
CONFLICTS_SHOWN = 100
FLAGS_SHOWN = 50


@dataclass(frozen=True, slots=True)
class ChainState:
    """A chain's head as the server acknowledges it, with its first flag if any."""

    chain: str
    number: int
    hash: str
    flagged: str | None


@dataclass(frozen=True, slots=True)
class Flag:
    chain: str
    number: int
    reason: str
    flagged_at: str


@dataclass(frozen=True, slots=True)
class LatestZ:
    number: int
    made_at: str
    takings_cents: int | None
    expected_cents: int | None  # the cash the till expected in its drawer
    counted_cents: int | None
    gap_cents: int | None  # counted less expected


@dataclass(frozen=True, slots=True)
class TillState:
    id: str
    name: str
    version: str
    enrolled_at: str
    last_contact_at: str | None
    revoked_at: str | None
    records: int
    by_kind: list[tuple[str, int]]  # in the protocol's order of kinds
    latest_seq: int | None  # the till's newest record held: its sequence and its time
    latest_at: str | None
    chains: list[ChainState]
    flags: list[Flag]
    latest_z: LatestZ | None
    # The till's outbox as its latest heartbeat said it (POST /v1/ping): None until it
    # reports one (a till before that heartbeat), shown as "—" rather than a guess.
    waiting: int | None = None
    rejected: int | None = None
    oldest_waiting_at: str | None = None  # the oldest record waiting, by the till's clock
    outbox_reported_at: str | None = None  # when the server heard it


@dataclass(frozen=True, slots=True)
class ServerState:
    at: str  # the server's time when it was read
    tills: list[TillState]
    conflicts: list[Conflict]  # the newest unresolved ones
    unresolved: int
    resolved: int
    flags: int  # every flag kept; the tills' `flags` hold the newest FLAGS_SHOWN

    @property
    def flagged_chains(self) -> int:
        return sum(1 for till in self.tills for chain in till.chains if chain.flagged)

    @property
    def cash_gaps(self) -> int:
        return sum(1 for till in self.tills
                   if till.latest_z is not None and till.latest_z.gap_cents)


def server_state(engine: Engine, conflicts_shown: int = CONFLICTS_SHOWN,
                 flags_shown: int = FLAGS_SHOWN) -> ServerState:
    """Everything the status page shows, read in one transaction (one consistent view).
    Each query is one pass over an index, so the page costs the same whatever the
    number of records (counted from ix_records_till_kind, the newest by till_seq)."""
    moment = now()
    with reading(engine) as connection:
        rows = connection.execute(select(
            tills.c.id, tills.c.name, tills.c.version, tills.c.enrolled_at,
            tills.c.last_contact_at, tills.c.revoked_at, tills.c.outbox_waiting,
            tills.c.outbox_rejected, tills.c.outbox_oldest_at, tills.c.outbox_reported_at,
        ).order_by(tills.c.revoked_at.is_not(None), tills.c.name, tills.c.enrolled_at)
        ).all()
        kinds: dict[str, dict[str, int]] = {}
        for till_id, kind, held in connection.execute(
                select(records.c.till_id, records.c.kind, func.count())
                .group_by(records.c.till_id, records.c.kind)):
            kinds.setdefault(till_id, {})[kind] = int(held)
        newest = (select(records.c.till_id, func.max(records.c.till_seq).label("seq"))
                  .group_by(records.c.till_id).subquery())
        latest = {row.till_id: (int(row.till_seq), row.created_at) for row in connection.execute(
            select(records.c.till_id, records.c.till_seq, records.c.created_at).join(
                newest, and_(records.c.till_id == newest.c.till_id,
                             records.c.till_seq == newest.c.seq)))}
        chains: dict[str, list[ChainState]] = {}
        for head in connection.execute(
                select(journal_heads).where(or_(journal_heads.c.number > 0,
                                                journal_heads.c.flagged.is_not(None)))
                .order_by(journal_heads.c.till_id, journal_heads.c.chain)).mappings():
            chains.setdefault(head["till_id"], []).append(ChainState(
                head["chain"], int(head["number"]), head["hash"], head["flagged"]))
        flags: dict[str, list[Flag]] = {}
        newest_flags = connection.execute(
            select(journal_flags).order_by(journal_flags.c.id.desc()).limit(flags_shown)
        ).mappings().all()
        for flag in reversed(newest_flags):
            flags.setdefault(flag["till_id"], []).append(Flag(
                flag["chain"], int(flag["number"]), flag["reason"], flag["flagged_at"]))
        flags_kept = int(connection.execute(
            select(func.count()).select_from(journal_flags)).scalar_one())
        latest_z = _latest_zs(connection)
        shown = conflicts.unresolved(connection, conflicts_shown)
        unresolved, resolved = conflicts.counts(connection)
    order = {kind.value: index for index, kind in enumerate(Kind)}
    states = [TillState(
        id=row.id, name=row.name, version=row.version, enrolled_at=row.enrolled_at,
        last_contact_at=row.last_contact_at, revoked_at=row.revoked_at,
        records=sum(kinds.get(row.id, {}).values()),
        by_kind=sorted(kinds.get(row.id, {}).items(),
                       key=lambda item: (order.get(item[0], len(order)), item[0])),
        latest_seq=latest[row.id][0] if row.id in latest else None,
        latest_at=latest[row.id][1] if row.id in latest else None,
        chains=chains.get(row.id, []), flags=flags.get(row.id, []),
        latest_z=latest_z.get(row.id),
        waiting=row.outbox_waiting, rejected=row.outbox_rejected,
        oldest_waiting_at=row.outbox_oldest_at,
        outbox_reported_at=row.outbox_reported_at) for row in rows]
    return ServerState(moment, states, shown, unresolved, resolved, flags_kept)


def _latest_zs(connection: Connection) -> dict[str, LatestZ]:
    """Each till's Z of the highest number (ix_closures_till_kind_number)."""
    highest = (select(closures.c.till_id, func.max(closures.c.number).label("number"))
               .where(closures.c.kind == "z").group_by(closures.c.till_id).subquery())
    found: dict[str, LatestZ] = {}
    for row in connection.execute(
            select(closures.c.till_id, closures.c.number, closures.c.made_at,
                   closures.c.takings_cents, closures.c.cash_gap_cents, closures.c.figures)
            .join(highest, and_(closures.c.till_id == highest.c.till_id,
                                closures.c.number == highest.c.number))
            .where(closures.c.kind == "z").order_by(closures.c.made_at)):
        figures = _figures(row.figures)
        found_cash = figures.get("cash")
        cash: dict[str, Any] = found_cash if isinstance(found_cash, dict) else {}
        expected = _cents(figures.get("cash_expected_cents"), cash.get("expected_cents"))
        counted = _cents(figures.get("cash_counted_cents"), cash.get("counted_cents"))
        gap = row.cash_gap_cents
        if gap is None and expected is not None and counted is not None:
            gap = counted - expected
        # Two Zs of one number (a till's mistake): the latest made is shown.
        found[row.till_id] = LatestZ(int(row.number), row.made_at, row.takings_cents,
                                     expected, counted, gap)
    return found


def _figures(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _cents(*candidates: Any) -> int | None:
    """The first that is an integer (a payload may hold more than the contract asks, of
    any type: only integers are figures)."""
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def list_closures(engine: Engine, till_name: str | None = None, kind: str | None = None,
                  limit: int = 50) -> list[dict[str, Any]]:
    """The newest closures (Z, month, year) by the till's time, of the tills called
    `till_name` and of `kind` if given, with the figures their records carried."""
    query = (select(closures.c.id, tills.c.name.label("till"), closures.c.till_id,
                    closures.c.kind, closures.c.number, closures.c.made_at,
                    closures.c.takings_cents, closures.c.cash_gap_cents)
             .join(tills, tills.c.id == closures.c.till_id)
             .order_by(closures.c.made_at.desc(), closures.c.number.desc())
             .limit(limit))
    if till_name is not None:
        query = query.where(tills.c.name == till_name)
    if kind is not None:
        query = query.where(closures.c.kind == kind)
    with reading(engine) as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
