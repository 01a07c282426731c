"""What the server holds, as the administrator's commands (and, later, the status page)
show it: tills with their records, journal heads and flags; orders; closures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from sync.server.database import reading
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
