"""Tills: one-time enrol codes, enrolment, tokens, revocation.

Secrets are never stored: a token (`secrets.token_urlsafe(32)`) and an enrol code are
kept as their SHA-256, so a copy of the database enrols nothing and signs in as no till.
A code is claimed by a conditional UPDATE in the enrolment's transaction: of two
enrolments racing with the same code, in one process or several, one wins.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, or_, select, update
from sqlalchemy.exc import IntegrityError

from sync.contract import MAX_TEXT, Enrolment, EnrolRequest, OutboxReport
from sync.server.database import DatabaseUnavailable, now, reading, writing
from sync.server.errors import Refused
from sync.server.schema import NAME, enrol_codes, journal_entries, tills

CODE_LIFETIME = timedelta(hours=24)
# Crockford's base32: no I, L, O or U, which are misread when a code is typed.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_GROUPS = 4  # of 5 characters: 100 bits, typed as XXXXX-XXXXX-XXXXX-XXXXX


@dataclass(frozen=True, slots=True)
class Till:
    id: str
    name: str
    key_id: str
    public_key: str


@dataclass(frozen=True, slots=True)
class EnrolCode:
    code: str
    till_name: str
    expires_at: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed: case, spaces and dashes do not matter."""
    return "".join(code.split()).replace("-", "").upper()


def make_enrol_code(engine: Engine, till_name: str) -> EnrolCode:
    """A new one-time code for the till to be called `till_name`, valid 24 hours."""
    name = " ".join(till_name.split())
    if not name or len(name) > NAME:
        raise Refused(422, f"a till's name is 1 to {NAME} characters")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(5 * _CODE_GROUPS))
    code = "-".join(raw[start:start + 5] for start in range(0, len(raw), 5))
    created = datetime.now(UTC)
    expires = _time(created + CODE_LIFETIME)
    with writing(engine) as connection:
        connection.execute(enrol_codes.insert().values(
            code_hash=digest(raw), till_name=name, created_at=_time(created),
            expires_at=expires))
    return EnrolCode(code, name, expires)


def enrol(engine: Engine, request: EnrolRequest) -> Enrolment:
    """Claim the code and register the till (or give a till enrolled before under the
    same name and key a new token, its old one no longer valid). Refused: an unknown,
    used or expired code (401), a revoked till (403), a till id known under another
    key or name, or a name another till in use holds (409)."""
    token = secrets.token_urlsafe(32)
    moment = now()
    try:
        with writing(engine) as connection:
            name = _claim(connection, request, moment)
            _register(connection, request, name, digest(token), moment)
            # Every gate learns its key: it checks the tickets this till signs offline
            # (imported here: the tickets module imports this one).
            from sync.server.tickets import publish_keys

            publish_keys(connection, [request.till_id])
    except IntegrityError as error:  # another process enrolled the name or till meanwhile
        raise Refused(409, "another till was enrolled under this name or id meanwhile:"
                      " revoke it first") from error
    return Enrolment(request.till_id, name, token)


def _claim(connection: Connection, request: EnrolRequest, moment: str) -> str:
    code_hash = digest(normalise_code(request.code))
    claimed = connection.execute(
        update(enrol_codes)
        .where(enrol_codes.c.code_hash == code_hash, enrol_codes.c.used_at.is_(None),
               enrol_codes.c.expires_at > moment)
        .values(used_at=moment, used_by=request.till_id))
    if claimed.rowcount != 1:
        raise Refused(401, "the enrol code is unknown, used or expired: make another with"
                      " `caisse-server enrol-code`")
    name: str = connection.execute(select(enrol_codes.c.till_name).where(
        enrol_codes.c.code_hash == code_hash)).scalar_one()
    return name


def _register(connection: Connection, request: EnrolRequest, name: str, token_hash: str,
              moment: str) -> None:
    known = connection.execute(select(tills).where(tills.c.id == request.till_id)
                               ).mappings().first()
    if known is None:
        _refuse_taken_name(connection, name)
        connection.execute(tills.insert().values(
            id=request.till_id, name=name, public_key=request.public_key,
            key_id=request.key_id, token_hash=token_hash, version=request.version,
            enrolled_at=moment, last_contact_at=moment))
        return
    if known["revoked_at"] is not None:
        raise Refused(403, "this till was revoked: it cannot be enrolled again")
    if known["public_key"] != request.public_key and former_keys(
            connection, request.till_id).get(request.key_id) != request.public_key:
        # A till enrols with the key its journal starts with; the server may hold a
        # later one already, brought by a key rotation (sync/server/journal.py).
        raise Refused(409, "this till is enrolled with another signing key")
    if known["name"] != name:
        raise Refused(409, f"this till is enrolled as {known['name']!r}, the code is for"
                      f" {name!r}")
    # The same till (a token lost, the till reinstalled from its backup): a new token.
    connection.execute(update(tills).where(tills.c.id == request.till_id).values(
        token_hash=token_hash, version=request.version, last_contact_at=moment))


def _refuse_taken_name(connection: Connection, name: str) -> None:
    taken = connection.execute(select(tills.c.id).where(
        tills.c.name == name, tills.c.revoked_at.is_(None))).first()
    if taken is not None:
        raise Refused(409, f"a till named {name!r} is enrolled already: revoke it first")


def authenticate(engine: Engine, authorization: str | None) -> Till:
    """The till whose token the `Authorization: Bearer …` header carries; Refused(401)
    for none, a malformed header, an unknown token or a revoked till. Notes the till's
    last contact (to the second; a busy database skips it, the request goes on)."""
    token = _bearer(authorization)
    with reading(engine) as connection:
        row = connection.execute(
            select(tills.c.id, tills.c.name, tills.c.key_id, tills.c.public_key,
                   tills.c.revoked_at, tills.c.last_contact_at)
            .where(tills.c.token_hash == digest(token))).first()
    if row is None:
        raise Refused(401, "unknown token")
    if row.revoked_at is not None:
        raise Refused(401, "this till was revoked")
    moment = now()
    if row.last_contact_at != moment:
        _note_contact(engine, row.id, moment)
    return Till(row.id, row.name, row.key_id, row.public_key)


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Refused(401, "no token: send Authorization: Bearer <token>")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TEXT:
        raise Refused(401, "the Authorization header is not `Bearer <token>`")
    return token


def _note_contact(engine: Engine, till_id: str, moment: str) -> None:
    try:
        with writing(engine) as connection:
            connection.execute(update(tills).where(
                tills.c.id == till_id,
                (tills.c.last_contact_at.is_(None)) | (tills.c.last_contact_at < moment)
            ).values(last_contact_at=moment))
    except DatabaseUnavailable:
        pass  # only a note: the request itself says whether the database answers


def note_outbox(engine: Engine, till_id: str, report: OutboxReport, moment: str) -> None:
    """Keep what the till's heartbeat said of its outbox, with the server's time of it
    (a report older than the one kept, from a slow request, does not replace it)."""
    with writing(engine) as connection:
        connection.execute(update(tills).where(
            tills.c.id == till_id,
            tills.c.outbox_reported_at.is_(None) | (tills.c.outbox_reported_at <= moment)
        ).values(outbox_waiting=report.waiting, outbox_rejected=report.rejected,
                 outbox_oldest_at=report.oldest_waiting_at, outbox_reported_at=moment))


def find(connection: Connection, name_or_id: str) -> list[dict[str, object]]:
    """Tills called `name_or_id` or with that id, the one in use first."""
    rows = connection.execute(
        select(tills).where((tills.c.name == name_or_id) | (tills.c.id == name_or_id))
        .order_by(tills.c.revoked_at.is_not(None), tills.c.enrolled_at.desc())
    ).mappings().all()
    return [dict(row) for row in rows]


def revoke(engine: Engine, name_or_id: str) -> dict[str, object]:
    """Revoke the till in use called `name_or_id` (or with that id): its token is
    refused from now on. Refused(404) when there is none."""
    moment = now()
    with writing(engine) as connection:
        found = [row for row in find(connection, name_or_id) if row["revoked_at"] is None]
        if not found:
            raise Refused(404, f"no till in use is called {name_or_id!r}")
        till = found[0]
        connection.execute(update(tills).where(tills.c.id == till["id"]).values(
            revoked_at=moment))
    return {**till, "revoked_at": moment}


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


KEY_CREATED = "key_created"  # pos_app.domain.journal.Event: the event journal's entry 1
KEY_ROTATED = "key_rotated"  # a new key, in an event entry the previous key signed


def former_keys(connection: Connection, till_id: str) -> dict[str, str]:
    """The keys the till announced (event entry 1) or rotated to, key id → public key,
    as the server stored them (each entry verified when received)."""
    rows = connection.execute(
        select(journal_entries.c.body).where(
            journal_entries.c.till_id == till_id, journal_entries.c.chain == "event",
            or_(journal_entries.c.number == 1,
                journal_entries.c.body.like(f'{{"event":"{KEY_ROTATED}",%')))
        .order_by(journal_entries.c.number))
    keys: dict[str, str] = {}
    for (text,) in rows:
        try:
            body = json.loads(text)
        except ValueError:
            continue
        if isinstance(body, dict) and body.get("event") in (KEY_CREATED, KEY_ROTATED):
            key_id, public = body.get("key_id"), body.get("public_key")
            if isinstance(key_id, str) and isinstance(public, str):
                keys[key_id] = public
    return keys
