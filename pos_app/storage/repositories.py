"""The small repositories: staff, payment methods, favourites, tills, sequences, outbox."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert
from sqlalchemy.dialects.sqlite import insert as upsert

from pos_app.domain.favourites import Favourites
from pos_app.domain.ids import new_id
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import Till
from pos_app.storage.rows import (
    FavouriteRow,
    OutboxRow,
    PaymentMethodRow,
    StaffRow,
    TillRow,
    table,
)

_STAFF = table(StaffRow)
_METHODS = table(PaymentMethodRow)
_FAVOURITES = table(FavouriteRow)
_TILLS = table(TillRow)
_OUTBOX = table(OutboxRow)


def _upsert(connection: Connection, table: Any, key: str, values: dict[str, Any]) -> None:
    connection.execute(upsert(table).values(values).on_conflict_do_update(
        index_elements=[key], set_=values))


class SqlStaff:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get_by_login(self, login: str) -> tuple[StaffMember, str] | None:
        row = self._db.exec_driver_sql(
            "SELECT id, login, display_name, role, active, secret_hash FROM staff"
            " WHERE login = ?", (login,)).first()
        if row is None:
            return None
        return StaffMember(row[0], row[1], row[2], Role(row[3]), bool(row[4])), row[5]

    def save(self, member: StaffMember, secret_hash: str) -> None:
        _upsert(self._db, _STAFF, "login", {
            "id": member.id, "login": member.login, "display_name": member.display_name,
            "role": member.role.value, "secret_hash": secret_hash, "active": member.active})

    def count(self) -> int:
        return int(self._db.exec_driver_sql("SELECT count(*) FROM staff").scalar_one())


class SqlPaymentMethods:
    _COLUMNS = "code, label, gives_change, opens_drawer, active, position"

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get(self, code: str) -> PaymentMethod | None:
        row = self._db.exec_driver_sql(
            f"SELECT {self._COLUMNS} FROM payment_methods WHERE code = ?", (code,)).first()
        return None if row is None else _method(row)

    def active(self) -> list[PaymentMethod]:
        rows = self._db.exec_driver_sql(
            f"SELECT {self._COLUMNS} FROM payment_methods WHERE active"
            " ORDER BY position, label").all()
        return [_method(row) for row in rows]

    def save(self, method: PaymentMethod) -> None:
        _upsert(self._db, _METHODS, "code", {
            "code": method.code, "label": method.label, "gives_change": method.gives_change,
            "opens_drawer": method.opens_drawer, "active": method.active,
            "position": method.position})


def _method(row: Any) -> PaymentMethod:
    return PaymentMethod(row[0], row[1], bool(row[2]), bool(row[3]), bool(row[4]), row[5])


class SqlFavourites:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def get(self, till_id: str) -> Favourites:
        rows = self._db.exec_driver_sql(
            "SELECT product_id FROM favourites WHERE till_id = ? ORDER BY position",
            (till_id,)).all()
        return Favourites(till_id, [row[0] for row in rows])

    def save(self, favourites: Favourites) -> None:
        self._db.execute(delete(_FAVOURITES).where(_FAVOURITES.c.till_id == favourites.till_id))
        if favourites.product_ids:
            self._db.execute(insert(_FAVOURITES), [
                {"till_id": favourites.till_id, "product_id": product_id, "position": position}
                for position, product_id in enumerate(favourites.product_ids)])


class SqlTills:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def local(self) -> Till | None:
        row = self._db.exec_driver_sql(
            "SELECT id, code, name, point_of_sale, order_prefix FROM tills WHERE is_local"
        ).first()
        return None if row is None else Till(*row)

    def save(self, till: Till) -> None:
        _upsert(self._db, _TILLS, "id", {
            "id": till.id, "code": till.code, "name": till.name,
            "point_of_sale": till.point_of_sale, "order_prefix": till.order_prefix,
            "is_local": True})


class SqlSequences:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def next(self, till_id: str, kind: str) -> int:
        return int(self._db.exec_driver_sql(
            "INSERT INTO sequences (till_id, kind, last) VALUES (?, ?, 1)"
            " ON CONFLICT (till_id, kind) DO UPDATE SET last = last + 1 RETURNING last",
            (till_id, kind)).scalar_one())


class SqlOutbox:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, kind: str, aggregate_id: str, payload: dict[str, Any], at: datetime) -> None:
        self._db.execute(insert(_OUTBOX), {
            "id": new_id(), "kind": kind, "aggregate_id": aggregate_id,
            "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                                  sort_keys=True),
            "created_at": at, "sent_at": None})
