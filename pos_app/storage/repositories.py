"""The small repositories: staff, favourites, till policies, tills, sequences."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pos_app.domain.favourites import Favourites
from pos_app.domain.lockout import SignInOutcome
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import Till, TillSession
from pos_app.storage.sql import (
    SqlRepository,
    from_optional_utc_text,
    from_utc_text,
    utc_text,
)

if TYPE_CHECKING:
    from pos_app.domain.receipt import Venue


class SqlStaff(SqlRepository):
    def get_by_login(self, login: str) -> tuple[StaffMember, str] | None:
        row = self._one(
            "SELECT id, login, display_name, role, active, secret_hash FROM staff"
            " WHERE login = ?", (login,))
        if row is None:
            return None
        return StaffMember(row[0], row[1], row[2], Role(row[3]), bool(row[4])), row[5]

    def save(self, member: StaffMember, secret_hash: str) -> None:
        self._upsert("staff", "login", {
            "id": member.id, "login": member.login, "display_name": member.display_name,
            "role": member.role.value, "secret_hash": secret_hash, "active": member.active})

    def count(self) -> int:
        return int(self._one("SELECT count(*) FROM staff")[0])

    def active_members(self) -> list[StaffMember]:
        rows = self._all("SELECT id, login, display_name, role, active FROM staff WHERE active"
                         " ORDER BY display_name COLLATE NOCASE, login")
        return [StaffMember(row[0], row[1], row[2], Role(row[3]), bool(row[4])) for row in rows]

    def count_active(self, roles: Sequence[Role]) -> int:
        marks = ", ".join("?" for _ in roles)
        return int(self._one(f"SELECT count(*) FROM staff WHERE active AND role IN ({marks})",
                             tuple(role.value for role in roles))[0])

    def failures_since_success(self, login: str) -> list[datetime]:
        # In the order they were recorded, not by their times: the clock may go back. A
        # manager's unlocking starts the count again as a success does.
        rows = self._all(
            "SELECT at FROM sign_in_attempts WHERE login = ? AND outcome = ? AND seq >"
            " coalesce((SELECT max(seq) FROM sign_in_attempts WHERE login = ?"
            " AND outcome IN (?, ?)), 0) ORDER BY seq",
            (login, SignInOutcome.FAILURE.value, login, SignInOutcome.SUCCESS.value,
             SignInOutcome.UNLOCKED.value))
        return [from_utc_text(row[0]) for row in rows]

    def record_attempt(self, login: str, at: datetime, outcome: SignInOutcome) -> None:
        self._run("INSERT INTO sign_in_attempts (login, at, outcome) VALUES (?, ?, ?)",
                  (login, utc_text(at), outcome.value))


class SqlPolicies(SqlRepository):
    def kept(self) -> dict[str, str]:
        return dict(self._all("SELECT name, value FROM till_policies"))

    def keep(self, name: str, value: str) -> None:
        self._run("INSERT INTO till_policies (name, value) VALUES (?, ?)"
                  " ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))


class SqlFavourites(SqlRepository):
    def get(self, till_id: str) -> Favourites:
        rows = self._all(
            "SELECT product_id FROM favourites WHERE till_id = ? ORDER BY position",
            (till_id,))
        return Favourites(till_id, [row[0] for row in rows])

    def save(self, favourites: Favourites) -> None:
        self._run("DELETE FROM favourites WHERE till_id = ?", (favourites.till_id,))
        self._many("INSERT INTO favourites (till_id, product_id, position) VALUES (?, ?, ?)",
                   [(favourites.till_id, product_id, position)
                    for position, product_id in enumerate(favourites.product_ids)])


class LocalTill:
    """The store's own till, remembered once read: a till row never changes (a trigger
    refuses it), since its number prefix belongs to its orders' fiscal identity."""

    def __init__(self) -> None:
        self.till: Till | None = None


class SqlTills(SqlRepository):
    def __init__(self, connection: sqlite3.Connection, known: LocalTill) -> None:
        super().__init__(connection)
        self._known = known

    def local(self) -> Till | None:
        if self._known.till is None:
            row = self._one("SELECT id, code, name, point_of_sale, order_prefix FROM tills"
                            " WHERE is_local")
            self._known.till = None if row is None else Till(*row)
        return self._known.till

    def save(self, till: Till) -> None:
        """Record a new till; an existing one is never rewritten."""
        self._run("INSERT INTO tills (id, code, name, point_of_sale, order_prefix, is_local)"
                  " VALUES (?, ?, ?, ?, ?, 1)",
                  (till.id, till.code, till.name, till.point_of_sale, till.order_prefix))

    def get(self, till_id: str) -> Till | None:
        row = self._one("SELECT id, code, name, point_of_sale, order_prefix FROM tills"
                        " WHERE id = ?", (till_id,))
        return None if row is None else Till(*row)

    def latest_session(self, till_id: str) -> TillSession | None:
        # By number, never by time: a session opened after the clock went back is still
        # the latest.
        row = self._one(
            "SELECT id, till_id, opened_at, opened_by, closing_started_at, closed_at,"
            " number, clock_shift_seconds FROM till_sessions WHERE till_id = ?"
            " ORDER BY number DESC LIMIT 1", (till_id,))
        if row is None:
            return None
        return TillSession(row[0], row[1], from_utc_text(row[2]), row[3],
                           from_optional_utc_text(row[4]), from_optional_utc_text(row[5]),
                           row[6], timedelta(seconds=row[7]))

    def open_session(self, session: TillSession) -> None:
        self._run("INSERT INTO till_sessions (id, till_id, number, opened_at, opened_by)"
                  " VALUES (?, ?, ?, ?, ?)",
                  (session.id, session.till_id, session.number, utc_text(session.opened_at),
                   session.opened_by))

    def shift_clock(self, till_id: str, seconds: int) -> None:
        self._run("UPDATE till_sessions SET clock_shift_seconds = clock_shift_seconds + ?"
                  " WHERE till_id = ? AND closed_at IS NULL", (seconds, till_id))

    def venue(self) -> Venue | None:
        from pos_app.domain.receipt import Venue  # receipts' code loads with the first one

        row = self._one("SELECT name, address, postal_code, city, siret, vat_number FROM venue")
        return None if row is None else Venue(*row)

    def save_venue(self, venue: Venue) -> None:
        self._run("INSERT INTO venue (id, name, address, postal_code, city, siret, vat_number)"
                  " VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                  " name = excluded.name, address = excluded.address,"
                  " postal_code = excluded.postal_code, city = excluded.city,"
                  " siret = excluded.siret, vat_number = excluded.vat_number",
                  (venue.name, venue.address, venue.postal_code, venue.city, venue.siret,
                   venue.vat_number))

    def start_closing(self, session_id: str, at: datetime) -> None:
        self._run("UPDATE till_sessions SET closing_started_at = ? WHERE id = ?"
                  " AND closing_started_at IS NULL", (utc_text(at), session_id))

    def stop_closing(self, session_id: str) -> None:
        self._run("UPDATE till_sessions SET closing_started_at = NULL WHERE id = ?"
                  " AND closed_at IS NULL", (session_id,))

    def close_session(self, session_id: str, at: datetime) -> None:
        self._run("UPDATE till_sessions SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                  (utc_text(at), session_id))


class SqlSequences(SqlRepository):
    def next(self, till_id: str, kind: str) -> int:
        return int(self._one(
            "INSERT INTO sequences (till_id, kind, last) VALUES (?, ?, 1)"
            " ON CONFLICT (till_id, kind) DO UPDATE SET last = last + 1 RETURNING last",
            (till_id, kind))[0])
