"""Signing staff in with an identifier and a secret (R19)."""

from __future__ import annotations

from pos_app.domain.errors import AuthenticationFailed
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context


def sign_in(ctx: Context, login: str, secret: str) -> StaffMember:
    """The active member whose secret matches; the same refusal whatever was wrong."""
    with ctx.uow(write=False) as uow:
        found = uow.staff.get_by_login(login.strip())
    if found is None:
        ctx.hasher.hash(secret)  # same cost as a real check: do not reveal which logins exist
        raise AuthenticationFailed(login)
    member, stored_hash = found
    if not member.active or not ctx.hasher.verify(stored_hash, secret):
        raise AuthenticationFailed(login)
    return member
