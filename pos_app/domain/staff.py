"""Staff members and their roles (R19); roles are checked in services, not only in screens."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.errors import NotAllowed


class Role(StrEnum):
    CASHIER = "cashier"
    CHECKER = "checker"
    MANAGER = "manager"
    ADMINISTRATOR = "administrator"


_RANK = {Role.CHECKER: 0, Role.CASHIER: 1, Role.MANAGER: 2, Role.ADMINISTRATOR: 3}


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    login: str
    display_name: str
    role: Role
    active: bool = True

    def may(self, role: Role) -> bool:
        """Whether this member's role is at least `role`."""
        return _RANK[self.role] >= _RANK[role]

    def require(self, role: Role, action: str) -> None:
        """Refuse `action` unless this member's role is at least `role`."""
        if _RANK[self.role] < _RANK[role]:
            raise NotAllowed(self.login, action, role.value)
