"""Staff secrets hashed with argon2id; a stored hash never reveals the secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


# OWASP's recommended argon2id profile (19 MiB, 2 passes, 1 lane): about 20 ms on a till,
# where the library's default (64 MiB, 3 passes, 4 lanes) takes over 100 ms and 64 MiB
# of a cheap terminal at each sign-in. Against guessing at the till, the lockout after
# five failures is what protects a PIN; hashes stored with other settings still verify.
MEMORY_KIB = 19_456
PASSES = 2
LANES = 1


class Argon2Hasher:
    """argon2-cffi, loaded on the first check: the till's window shows sooner, and the
    first check runs on a worker thread while the screens get ready."""

    def __init__(self) -> None:
        self._hasher: PasswordHasher | None = None

    def _loaded(self) -> PasswordHasher:
        if self._hasher is None:
            from argon2 import PasswordHasher

            self._hasher = PasswordHasher(time_cost=PASSES, memory_cost=MEMORY_KIB,
                                          parallelism=LANES)
        return self._hasher

    def prepare(self) -> None:
        self._loaded()

    def hash(self, secret: str) -> str:
        return self._loaded().hash(secret)

    def verify(self, stored_hash: str, secret: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self._loaded().verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return False
