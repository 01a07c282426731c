"""Synchronisation conflicts: what the server finds two tills (or a till and itself)
disagree on, kept until someone resolves it.

Nothing records one yet: the pull of reference data and orders of another till will,
through `record`, in the transaction that finds it. The status page lists them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import aliased

from sync.server.schema import sync_conflicts, tills


@dataclass(frozen=True, slots=True)
class Conflict:
    id: int
    kind: str
    till_id: str
    till_name: str
    other_till_id: str | None
    other_till_name: str | None
    subject_id: str
    detail: Any  # the JSON kept; its text when it is not JSON
    detected_at: str
    resolved_at: str | None


def record(connection: Connection, kind: str, till_id: str, subject_id: str,
           detail: Any, moment: str, other_till_id: str | None = None) -> int:
    """Keep a conflict found in the transaction of `connection`; its id."""
    inserted = connection.execute(sync_conflicts.insert().values(
        kind=kind, till_id=till_id, other_till_id=other_till_id, subject_id=subject_id,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        detected_at=moment).returning(sync_conflicts.c.id))
    return int(inserted.scalar_one())


def resolve(connection: Connection, kind: str, subject_id: str, moment: str) -> int:
    """Mark the unresolved conflicts of `kind` about `subject_id` resolved (what they
    were about was settled: an order paid twice given back its excess); how many."""
    return int(connection.execute(
        update(sync_conflicts).where(sync_conflicts.c.kind == kind,
                                     sync_conflicts.c.subject_id == subject_id,
                                     sync_conflicts.c.resolved_at.is_(None))
        .values(resolved_at=moment)).rowcount)


def unresolved(connection: Connection, limit: int) -> list[Conflict]:
    """The newest conflicts not resolved yet, at most `limit`."""
    till = aliased(tills)
    other = aliased(tills)
    rows = connection.execute(
        select(sync_conflicts, till.c.name.label("till_name"),
               other.c.name.label("other_till_name"))
        .join(till, till.c.id == sync_conflicts.c.till_id)
        .outerjoin(other, other.c.id == sync_conflicts.c.other_till_id)
        .where(sync_conflicts.c.resolved_at.is_(None))
        .order_by(sync_conflicts.c.detected_at.desc(), sync_conflicts.c.id.desc())
        .limit(limit)).mappings()
    return [Conflict(row["id"], row["kind"], row["till_id"], row["till_name"],
                     row["other_till_id"], row["other_till_name"], row["subject_id"],
                     _detail(row["detail"]), row["detected_at"], row["resolved_at"])
            for row in rows]


def counts(connection: Connection) -> tuple[int, int]:
    """How many conflicts are unresolved, and how many were resolved."""
    total, resolved = connection.execute(select(
        func.count(), func.count(sync_conflicts.c.resolved_at))).one()
    return int(total) - int(resolved), int(resolved)


def _detail(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
