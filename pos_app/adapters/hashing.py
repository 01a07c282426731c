"""Staff secrets hashed with argon2id; a stored hash never reveals the secret.

The reference argon2 library is called through argon2-cffi-bindings, the binding that
argon2-cffi itself wraps: the till needs only to hash and to verify, and argon2-cffi's
conveniences on top (profiles, parameter checks, platform detection) take about 5 ms of
the till's start to load. Hashes are in the PHC string format either way
(`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so hashes made by argon2-cffi, or with
other settings, still verify.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

# OWASP's recommended argon2id profile (19 MiB, 2 passes, 1 lane): about 20 ms on a till,
# where argon2-cffi's default (64 MiB, 3 passes, 4 lanes) takes over 100 ms and 64 MiB
# of a cheap terminal at each sign-in. Against guessing at the till, the lockout after
# five failures is what protects a PIN; hashes stored with other settings still verify.
MEMORY_KIB = 19_456
PASSES = 2
LANES = 1
SALT_BYTES = 16
HASH_BYTES = 32
# A stored hash says which variant made it; its prefix picks the one to verify with.
VARIANTS = {"$argon2id$": "Argon2_id", "$argon2i$": "Argon2_i", "$argon2d$": "Argon2_d"}


class HashingFailed(RuntimeError):
    """The argon2 library refused to hash (out of memory, say): nothing is stored."""


class Argon2Hasher:
    """libargon2, loaded on the first check: the till's window shows sooner, and the
    first check runs on a worker thread while the screens get ready. The library lets
    go of the interpreter lock while it works (cffi does so for every call)."""

    def __init__(self) -> None:
        self._bindings: ModuleType | None = None

    def _loaded(self) -> Any:
        if self._bindings is None:
            import _argon2_cffi_bindings

            self._bindings = _argon2_cffi_bindings
        return self._bindings

    def prepare(self) -> None:
        self._loaded()

    def hash(self, secret: str) -> str:
        bindings = self._loaded()
        ffi, lib = bindings.ffi, bindings.lib
        password, salt = secret.encode(), os.urandom(SALT_BYTES)
        size = lib.argon2_encodedlen(PASSES, MEMORY_KIB, LANES, SALT_BYTES, HASH_BYTES,
                                     lib.Argon2_id)
        encoded = ffi.new("char[]", size)
        status = lib.argon2_hash(PASSES, MEMORY_KIB, LANES, password, len(password), salt,
                                 SALT_BYTES, ffi.NULL, HASH_BYTES, encoded, size,
                                 lib.Argon2_id, lib.ARGON2_VERSION_13)
        if status != lib.ARGON2_OK:
            reason = ffi.string(lib.argon2_error_message(status)).decode()
            raise HashingFailed(f"the secret could not be hashed: {reason}")
        stored: str = ffi.string(encoded).decode("ascii")
        return stored

    def verify(self, stored_hash: str, secret: str) -> bool:
        """True only for the secret that made `stored_hash`; a damaged or unknown hash
        refuses rather than fails."""
        variant = next((name for prefix, name in VARIANTS.items()
                        if stored_hash.startswith(prefix)), None)
        if variant is None:
            return False
        lib = self._loaded().lib
        password = secret.encode()
        status = lib.argon2_verify(stored_hash.encode("ascii", "replace"), password,
                                   len(password), getattr(lib, variant))
        verified: bool = status == lib.ARGON2_OK
        return verified
