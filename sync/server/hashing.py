"""Staff secrets hashed on the server, before they go to the tills.

The same argon2id parameters as the till's own hashing (pos_app/adapters/hashing.py, which
the server may not import), in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$…`)
the till verifies as it would a hash it made: a member imported on the server signs in
at a till offline. Only the hash is stored and sent; the secret never leaves the import.
"""

from __future__ import annotations

import os
from typing import Any

# As the till's (OWASP's argon2id profile): 19 MiB, 2 passes, 1 lane.
MEMORY_KIB = 19_456
PASSES = 2
LANES = 1
SALT_BYTES = 16
HASH_BYTES = 32


def _bindings() -> Any:
    """libargon2, loaded when first needed (only imports hash secrets)."""
    import _argon2_cffi_bindings

    return _argon2_cffi_bindings


def hash_secret(secret: str) -> str:
    argon2 = _bindings()
    ffi, lib = argon2.ffi, argon2.lib
    password, salt = secret.encode(), os.urandom(SALT_BYTES)
    size = lib.argon2_encodedlen(PASSES, MEMORY_KIB, LANES, SALT_BYTES, HASH_BYTES,
                                 lib.Argon2_id)
    encoded = ffi.new("char[]", size)
    status = lib.argon2_hash(PASSES, MEMORY_KIB, LANES, password, len(password), salt,
                             SALT_BYTES, ffi.NULL, HASH_BYTES, encoded, size, lib.Argon2_id,
                             lib.ARGON2_VERSION_13)
    if status != lib.ARGON2_OK:
        reason = ffi.string(lib.argon2_error_message(status)).decode()
        raise RuntimeError(f"a secret could not be hashed: {reason}")
    return str(ffi.string(encoded).decode("ascii"))


def verifies(stored_hash: str, secret: str) -> bool:
    """Whether `stored_hash` was made from `secret` (a re-import of the same secret keeps
    the stored hash, so the member is not a change)."""
    if not stored_hash.startswith("$argon2id$"):
        return False
    lib = _bindings().lib
    password = secret.encode()
    return bool(lib.argon2_verify(stored_hash.encode("ascii", "replace"), password,
                                  len(password), lib.Argon2_id) == lib.ARGON2_OK)
