"""The till's Ed25519 signing key: kept in the OS keyring, or, where this machine has no
keyring, in a file only the till's user can read (and `location` says so).

`signing-key.json` beside the store says which key signs and where its private half is
kept; it holds nothing secret. Knowing where the key is spares loading the keyring
library (a fifth of a second) on machines that have none.
"""

from __future__ import annotations

import os
import threading
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_INFO_FILE = "signing-key.json"
KEY_FILE = "signing-key"  # the raw private key, hex: no PEM parser to load at start
KEYRING_SERVICE = "caisse-journal"


class KeyLocation(StrEnum):
    KEYRING = "keyring"
    FILE = "file"


def key_id_of(public_key: bytes) -> str:
    import hashlib  # as json and base64 here: loaded with the key, on a worker

    return hashlib.sha256(public_key).hexdigest()[:16]


def verify_signature(public_key_hex: str, digest: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(
            signature, digest)
    except (InvalidSignature, ValueError):
        return False
    return True


class Ed25519Signer:
    """Signs journal entries with the till's key, made on first use. Thread-safe."""

    def __init__(self, data_dir: Path, use_keyring: bool = True) -> None:
        self.data_dir = data_dir
        self.use_keyring = use_keyring
        self._lock = threading.Lock()
        self._key: Ed25519PrivateKey | None = None
        self._key_id = ""
        self._public_key = ""
        self._location = KeyLocation.FILE

    @property
    def key_id(self) -> str:
        self._loaded()
        return self._key_id

    @property
    def public_key(self) -> str:
        """The raw 32-byte public key, hex."""
        self._loaded()
        return self._public_key

    @property
    def location(self) -> str:
        """Where the private key is kept, as staff and auditors read it."""
        self._loaded()
        if self._location is KeyLocation.KEYRING:
            return "OS keyring"
        return (f"file {self.data_dir / KEY_FILE}, readable only by this user"
                " (this machine has no OS keyring)")

    def exists(self) -> bool:
        return self._key is not None or (self.data_dir / KEY_INFO_FILE).exists()

    def prepare(self) -> None:
        self._loaded()

    def sign(self, digest: bytes) -> bytes:
        return self._loaded().sign(digest)

    def verify(self, public_key: str, digest: bytes, signature: bytes) -> bool:
        return verify_signature(public_key, digest, signature)

    def _loaded(self) -> Ed25519PrivateKey:
        key = self._key
        if key is not None:
            return key
        with self._lock:
            if self._key is None:
                import json  # here, on the worker that loads the key: not at the start

                info = self.data_dir / KEY_INFO_FILE
                if info.exists():
                    self._load(json.loads(info.read_text(encoding="utf-8")))
                else:
                    self._create(info)
            assert self._key is not None
            return self._key

    def _load(self, info: dict[str, str]) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        location = KeyLocation(info["location"])
        if location is KeyLocation.KEYRING:
            import keyring

            secret = keyring.get_password(KEYRING_SERVICE, info["key_id"])
            if secret is None:
                raise _unavailable(
                    f"the signing key {info['key_id']} is missing from the OS keyring")
            import base64

            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret))
        else:
            key = _read_private(self.data_dir / KEY_FILE)
        public = _raw_public(key)
        if key_id_of(public) != info["key_id"]:
            raise _unavailable(f"the signing key found is not key {info['key_id']}")
        self._set(key, location)

    def _create(self, info: Path) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = self.data_dir / KEY_FILE
        if path.exists():  # made just before a crash, before its description was written
            key, location = _read_private(path), KeyLocation.FILE
        else:
            key = Ed25519PrivateKey.generate()
            location = KeyLocation.KEYRING
            if not self._store_in_keyring(key, key_id_of(_raw_public(key))):
                _write_private(path, key)
                location = KeyLocation.FILE
        key_id = key_id_of(_raw_public(key))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        temporary = info.with_suffix(".tmp")
        import json

        temporary.write_text(json.dumps({"key_id": key_id, "location": location.value,
                                         "public_key": _raw_public(key).hex()}, indent=1),
                             encoding="utf-8")
        temporary.replace(info)
        self._set(key, location)

    def _store_in_keyring(self, key: Ed25519PrivateKey, key_id: str) -> bool:
        if not self.use_keyring:
            return False
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
            if isinstance(backend, fail.Keyring) or backend.priority <= 0:
                return False
            import base64

            secret = base64.b64encode(key.private_bytes_raw()).decode()
            keyring.set_password(KEYRING_SERVICE, key_id, secret)
            return keyring.get_password(KEYRING_SERVICE, key_id) == secret
        except Exception:  # noqa: BLE001 - any keyring failure means: keep it in a file
            return False

    def _set(self, key: Ed25519PrivateKey, location: KeyLocation) -> None:
        public = _raw_public(key)
        self._key_id, self._public_key = key_id_of(public), public.hex()
        self._location = location
        self._key = key


def _unavailable(reason: str) -> Exception:
    # The ports' module (its protocols take milliseconds to make) loads only on failure:
    # the key loads while the till starts.
    from pos_app.services.ports import SigningKeyUnavailable

    return SigningKeyUnavailable(reason)


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def _read_private(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        if path.stat().st_mode & 0o077:  # someone widened it: narrow it again
            path.chmod(0o600)
        return Ed25519PrivateKey.from_private_bytes(
            bytes.fromhex(path.read_text(encoding="ascii").strip()))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise _unavailable(f"the signing key file {path} cannot be read: {error}") from error


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    """Created readable by this user only, never widened on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key.private_bytes_raw().hex() + "\n")
        file.flush()
        os.fsync(file.fileno())
