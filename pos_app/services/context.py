"""What every use case receives: the way to open a transaction, a clock, a hasher for
staff secrets and the till's signing key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_app.domain.errors import DomainError
from pos_app.domain.till import Till

if TYPE_CHECKING:  # the ports' Protocols are for the type checker: loaded with the first use case
    from pos_app.services.ports import (
        Clock,
        SecretHasher,
        Signer,
        UnitOfWork,
        UnitOfWorkFactory,
    )


class TillNotInitialised(DomainError):
    def __init__(self) -> None:
        super().__init__("this store has no till yet: run `caisse init` first")


@dataclass(frozen=True, slots=True)
class Context:
    uow: UnitOfWorkFactory
    clock: Clock
    hasher: SecretHasher
    signer: Signer


def local_till(uow: UnitOfWork) -> Till:
    till = uow.tills.local()
    if till is None:
        raise TillNotInitialised()
    return till
