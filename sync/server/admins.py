"""Who may read the status page: administrators' tokens and the sessions they open.

`caisse-server admin-token` prints a new token; the server keeps only its SHA-256, as it
does for tills' tokens, so a copy of the database signs nobody in. On the page's sign-in
form the token opens a session: a random value in an HttpOnly cookie, kept in the
database as its SHA-256 too, valid SESSION_LIFETIME. Sessions live in the database, not
in a process, so any number of server processes recognise them. A token is 256 random
bits: there is nothing to guess, so attempts are not counted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update

from sync.server.database import reading, writing
from sync.server.errors import Refused
from sync.server.schema import NAME, admin_sessions, admin_tokens
from sync.server.tills import digest

SESSION_LIFETIME = timedelta(hours=12)  # a working day: signed in again each morning
DEFAULT_LABEL = "administrateur"
MAX_TOKEN = 200  # longer than any token made; a longer one is not looked up


@dataclass(frozen=True, slots=True)
class AdminToken:
    token: str
    label: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Session:
    secret: str  # the cookie's value
    expires_at: datetime


def make_token(engine: Engine, label: str = DEFAULT_LABEL) -> AdminToken:
    """A new administrator's token; only its SHA-256 is stored."""
    label = " ".join(label.split())
    if not label or len(label) > NAME:
        raise Refused(422, f"a token's label is 1 to {NAME} characters")
    token = secrets.token_urlsafe(32)
    moment = _text(datetime.now(UTC))
    with writing(engine) as connection:
        connection.execute(admin_tokens.insert().values(
            token_hash=digest(token), label=label, created_at=moment))
    return AdminToken(token, label, moment)


def revoke_all(engine: Engine) -> int:
    """Revoke every token in use and end every session; how many tokens were revoked."""
    moment = _text(datetime.now(UTC))
    with writing(engine) as connection:
        connection.execute(delete(admin_sessions))
        revoked = connection.execute(update(admin_tokens).where(
            admin_tokens.c.revoked_at.is_(None)).values(revoked_at=moment)).rowcount
    return int(revoked)


def open_session(engine: Engine, token: str, now: datetime | None = None) -> Session | None:
    """A new session for `token`; None when it is no token in use. Sessions that ended
    are cleared on the way, so the table holds only the few that may still be used."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN:
        return None
    moment = now or datetime.now(UTC)
    expires = moment + SESSION_LIFETIME
    secret = secrets.token_urlsafe(32)
    with writing(engine) as connection:
        connection.execute(delete(admin_sessions).where(
            admin_sessions.c.expires_at <= _text(moment)))
        token_id = connection.execute(select(admin_tokens.c.id).where(
            admin_tokens.c.token_hash == digest(token),
            admin_tokens.c.revoked_at.is_(None))).scalar()
        if token_id is None:
            return None
        connection.execute(admin_sessions.insert().values(
            session_hash=digest(secret), token_id=token_id, created_at=_text(moment),
            expires_at=_text(expires)))
    return Session(secret, expires)


def signed_in(engine: Engine, secret: str | None, now: datetime | None = None) -> bool:
    """Whether `secret` (the cookie's value) is a session not ended, of a token in use."""
    if not secret or len(secret) > MAX_TOKEN:
        return False
    moment = _text(now or datetime.now(UTC))
    with reading(engine) as connection:
        found = connection.execute(
            select(admin_sessions.c.token_id)
            .join(admin_tokens, admin_tokens.c.id == admin_sessions.c.token_id)
            .where(admin_sessions.c.session_hash == digest(secret),
                   admin_sessions.c.expires_at > moment,
                   admin_tokens.c.revoked_at.is_(None))).first()
    return found is not None


def close_session(engine: Engine, secret: str | None) -> None:
    if not secret or len(secret) > MAX_TOKEN:
        return
    with writing(engine) as connection:
        connection.execute(delete(admin_sessions).where(
            admin_sessions.c.session_hash == digest(secret)))


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def authenticate(engine: Engine, authorization: str | None) -> None:
    """Refused(401) unless `Authorization: Bearer …` carries an administrator's token in
    use (a till's token is not one: a till never writes reference data)."""
    if not authorization:
        raise Refused(401, "no token: send Authorization: Bearer <administrator's token>")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        raise Refused(401, "the Authorization header is not `Bearer <token>`")
    with reading(engine) as connection:
        found = connection.execute(select(admin_tokens.c.id).where(
            admin_tokens.c.token_hash == digest(token),
            admin_tokens.c.revoked_at.is_(None))).first()
    if found is None:
        raise Refused(401, "not an administrator's token in use (`caisse-server"
                      " admin-token` makes one)")
