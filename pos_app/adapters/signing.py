"""The till's Ed25519 signing key: kept in the OS keyring, or, where this machine has no
keyring, in a file only the till's user can read (and `location` says so).

`signing-key.json` beside the store says which key signs and where its private half is
kept; it holds nothing secret. Knowing where the key is spares loading the keyring
library (a fifth of a second) on machines that have none.

Both files are written whole or not at all (`write_atomically`), so a kill or a power
cut never leaves an empty key behind; one left by an older version is replaced only if it
cannot have signed anything (see Ed25519Signer).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_INFO_FILE = "signing-key.json"
KEY_FILE = "signing-key"  # the raw private key, hex: no PEM parser to load at start
# A rotation under way (Ed25519Signer.rotate): the new key's description, and in a file
# its private half, until the rotation entry is committed and the new key takes over.
NEXT_INFO_FILE = "signing-key.next.json"
NEXT_KEY_FILE = "signing-key.next"
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
    """Signs journal entries with the till's key, made on first use. Thread-safe.

    A key that cannot be read (an empty or half-written file, a keyring that lost it) is
    replaced by a new one only when it cannot have signed anything: `keys_in_use` gives
    the key ids the store's journal knows, and a key it names is never replaced (the till
    then signs nothing until the key is back). Without `keys_in_use`, or when it may not
    write (`may_write`: a store opened read-only), it replaces nothing.
    """

    def __init__(self, data_dir: Path, use_keyring: bool = True,
                 keys_in_use: Callable[[], Collection[str]] | None = None,
                 may_write: bool = True) -> None:
        self.data_dir = data_dir
        self.use_keyring = use_keyring
        self._keys_in_use = keys_in_use
        self._may_write = may_write
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

    def rotate(self, record: Callable[[str, str, Callable[[bytes], bytes]], None]) -> None:
        """Replace the key: a new key is made and kept aside (NEXT_INFO_FILE, and its
        private half in the keyring or NEXT_KEY_FILE); `record(key_id, public_key, sign)` then
        journals the rotation, signed by the current key, and commits it; only then does
        the new key sign, and the previous private key is removed (it signs nothing
        more: the journal proves the new key from the rotation on). If `record` fails,
        the new key is dropped and the current one signs on. A crash in between is
        settled at the next load: the new key takes over if the store recorded it."""
        self._loaded()
        if not self._may_write:
            raise _unavailable("the store is opened read-only: the key cannot be replaced")
        with self._lock:
            key, location = self._new_key(staged=True)
            public = _raw_public(key)
            key_id = key_id_of(public)
            _describe(self.data_dir / NEXT_INFO_FILE, key_id, location, public)
            try:
                record(key_id, public.hex(), key.sign)
            except BaseException:
                self._drop_staged(key_id, location)
                raise
            self._promote(key, key_id, location)

    def _promote(self, key: Ed25519PrivateKey, key_id: str, location: KeyLocation) -> None:
        """The staged key becomes the till's key; the previous private key is removed."""
        previous, previous_location = self._key_id, self._location
        _describe(self.data_dir / KEY_INFO_FILE, key_id, location, _raw_public(key))
        if location is KeyLocation.FILE:
            os.replace(self.data_dir / NEXT_KEY_FILE, self.data_dir / KEY_FILE)
            _sync_directory(self.data_dir)
        else:
            (self.data_dir / KEY_FILE).unlink(missing_ok=True)
        if previous and previous != key_id and previous_location is KeyLocation.KEYRING:
            self._forget_in_keyring(previous)
        (self.data_dir / NEXT_INFO_FILE).unlink(missing_ok=True)
        self._key_id, self._public_key = key_id, _raw_public(key).hex()
        self._location, self._key = location, key

    def _drop_staged(self, key_id: str, location: KeyLocation) -> None:
        if location is KeyLocation.KEYRING:
            self._forget_in_keyring(key_id)
        (self.data_dir / NEXT_KEY_FILE).unlink(missing_ok=True)
        (self.data_dir / NEXT_INFO_FILE).unlink(missing_ok=True)

    def _forget_in_keyring(self, key_id: str) -> None:
        from contextlib import suppress

        import keyring
        from keyring.errors import KeyringError

        # Already gone, or the keyring refuses: the key signs nothing more either way.
        with suppress(KeyringError):
            keyring.delete_password(KEYRING_SERVICE, key_id)

    def _settle_rotation(self) -> None:
        """A rotation cut short (the program stopped between its steps): the staged key
        takes over if the store recorded it (the rotation was committed), else it is
        dropped. Without `keys_in_use`, or read-only, the till's key stays as described:
        a rotation committed then shows in `journal verify`."""
        staged = self.data_dir / NEXT_INFO_FILE
        described = _read_info(staged)
        if not self._may_write or self._keys_in_use is None:
            return
        if described is None:
            staged.unlink(missing_ok=True)
            return
        key_id, location = described
        if key_id not in self._keys_in_use():
            self._drop_staged(key_id, location)
            return
        if location is KeyLocation.KEYRING:
            key = self._from_keyring(key_id)
        else:
            key = _read_private(self.data_dir / NEXT_KEY_FILE)[0]
            if key is None:  # moved already: the key file holds it
                key = _read_private(self.data_dir / KEY_FILE)[0]
                if key is not None and key_id_of(_raw_public(key)) == key_id:
                    _describe(self.data_dir / KEY_INFO_FILE, key_id, location,
                              _raw_public(key))
                    staged.unlink(missing_ok=True)
                return
        if key is None or key_id_of(_raw_public(key)) != key_id:
            return  # the load says what is missing
        info = _read_info(self.data_dir / KEY_INFO_FILE)
        self._key_id, self._location = (info if info is not None
                                        else ("", KeyLocation.FILE))
        self._promote(key, key_id, location)

    def _loaded(self) -> Ed25519PrivateKey:
        key = self._key
        if key is not None:
            return key
        with self._lock:
            if self._key is None and (self.data_dir / NEXT_INFO_FILE).exists():
                self._settle_rotation()
            if self._key is None:
                info = self.data_dir / KEY_INFO_FILE
                if not info.exists():
                    self._create(info)
                elif (described := _read_info(info)) is None:
                    self._recover_description(info)
                else:
                    self._load(info, *described)
            assert self._key is not None
            return self._key

    def _load(self, info: Path, key_id: str, location: KeyLocation) -> None:
        if location is KeyLocation.KEYRING:
            key, why = self._from_keyring(key_id), (
                f"the signing key {key_id} is missing from the OS keyring")
        else:
            key, why = _read_private(self.data_dir / KEY_FILE)
        if key is None:
            if self._may_replace(key_id):  # it never signed: a new key takes its place
                self._set(*self._new_key(), describe=info)
                return
            raise _unavailable(why + self._why_kept(key_id))
        if key_id_of(_raw_public(key)) != key_id:
            raise _unavailable(f"the signing key found is not key {key_id}")
        self._set(key, location)

    def _create(self, info: Path) -> None:
        """No description: a key file is one made just before a crash, before its
        description was written (a key signs only once described), or none is made yet."""
        path = self.data_dir / KEY_FILE
        key: Ed25519PrivateKey | None = None
        if path.exists():
            key, why = _read_private(path)
            if key is None and not self._may_replace(None):
                raise _unavailable(why + self._why_kept(None))
        if key is not None:
            self._set(key, KeyLocation.FILE, describe=info)
        elif not self._may_write:
            raise _unavailable("this till has no signing key yet, and its store is opened"
                               " read-only")
        elif self._keys_in_use is not None and (known := self._keys_in_use()):
            # The key's files were removed: a new key would sign on as if nothing had
            # happened, and the journal would no longer prove who wrote it.
            raise _unavailable(gone_sentence(sorted(known)))
        else:
            self._set(*self._new_key(), describe=info)

    def _recover_description(self, info: Path) -> None:
        """signing-key.json cannot be read: the key file tells which key it described;
        with neither, a new key is made only if the store knows no key at all."""
        key, _why = _read_private(self.data_dir / KEY_FILE)
        if key is not None and self._may_write:
            self._set(key, KeyLocation.FILE, describe=info)
        elif key is not None:
            self._set(key, KeyLocation.FILE)
        elif self._may_replace(None):
            self._set(*self._new_key(), describe=info)
        else:
            raise _unavailable(f"the signing key's description {info} is damaged and the key"
                               " cannot be found" + self._why_kept(None))

    def _may_replace(self, key_id: str | None) -> bool:
        """Whether the key `key_id` (None: a key whose id is unknown) cannot have signed
        anything, so that a new key may take its place."""
        if not self._may_write or self._keys_in_use is None:
            return False
        known = self._keys_in_use()
        return not known if key_id is None else key_id not in known

    def _why_kept(self, key_id: str | None) -> str:
        """Why no new key is made, when that is because the journal knows the key."""
        if not self._may_write or self._keys_in_use is None:
            return ""
        if key_id is not None:
            return (f"; key {key_id} has signed journal entries, so no new key replaces it:"
                    " restore it from a backup (nothing can be signed until then)")
        return ("; the journal holds signed entries, so no new key is made: restore the key"
                " from a backup (nothing can be signed until then)")

    def _from_keyring(self, key_id: str) -> Ed25519PrivateKey | None:
        import keyring
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        secret = keyring.get_password(KEYRING_SERVICE, key_id)
        if secret is None:
            return None
        import base64

        try:
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret))
        except ValueError:  # damaged in the keyring
            return None

    def _new_key(self, staged: bool = False) -> tuple[Ed25519PrivateKey, KeyLocation]:
        """A new key, in the keyring if there is one, else in the private file (over an
        unreadable one; but a key another program has just made there is taken).
        `staged`: a rotation's, in the keyring or NEXT_KEY_FILE (over any there)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key = Ed25519PrivateKey.generate()
        if self._store_in_keyring(key, key_id_of(_raw_public(key))):
            return key, KeyLocation.KEYRING
        if staged:
            _write_private(self.data_dir / NEXT_KEY_FILE, key, replace=True)
            return key, KeyLocation.FILE
        path = self.data_dir / KEY_FILE
        # A key file is replaced only when it cannot be read.
        unreadable = path.exists() and _read_private(path)[0] is None
        if not _write_private(path, key, replace=unreadable):
            made, why = _read_private(path)
            if made is None:
                raise _unavailable(why)
            key = made
        return key, KeyLocation.FILE

    def _store_in_keyring(self, key: Ed25519PrivateKey, key_id: str) -> bool:
        if not self.use_keyring:
            return False
        import base64

        from pos_app.adapters.keyring_store import store_in_keyring

        secret = base64.b64encode(key.private_bytes_raw()).decode()
        return store_in_keyring(KEYRING_SERVICE, key_id, secret)

    def _set(self, key: Ed25519PrivateKey, location: KeyLocation,
             describe: Path | None = None) -> None:
        """Sign with `key` from now on; `describe`: first write its description there."""
        public = _raw_public(key)
        key_id = key_id_of(public)
        if describe is not None:
            _describe(describe, key_id, location, public)
        self._key_id, self._public_key = key_id, public.hex()
        self._location = location
        self._key = key


def gone_sentence(known: Collection[str]) -> str:
    """Why a till whose journal knows keys gets no new one."""
    return (f"the till's signing key is gone (the journal is signed with key"
            f" {', '.join(known)}, and no key file or keyring entry holds it): restore it"
            " from the keyring or a backup of the till's folder; the till signs nothing,"
            " so sells nothing, until then (a new key is only ever made by `caisse journal"
            " rotate-key`, signed by the previous one)")


def _unavailable(reason: str) -> Exception:
    # The ports' module (its protocols take milliseconds to make) loads only on failure:
    # the key loads while the till starts.
    from pos_app.services.ports import SigningKeyUnavailable

    return SigningKeyUnavailable(reason)


def _describe(info: Path, key_id: str, location: KeyLocation, public: bytes) -> None:
    import json

    text = json.dumps({"key_id": key_id, "location": location.value,
                       "public_key": public.hex()}, indent=1)
    write_atomically(info, text.encode("utf-8"), 0o644)


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def _read_info(info: Path) -> tuple[str, KeyLocation] | None:
    """The key id and location signing-key.json gives; None when it cannot be read."""
    import json  # here, on the worker that loads the key: not at the start

    try:
        described = json.loads(info.read_text(encoding="utf-8"))
        key_id, location = described["key_id"], KeyLocation(described["location"])
    except (OSError, ValueError, TypeError, KeyError):  # half-written, damaged
        return None
    return (key_id, location) if isinstance(key_id, str) and key_id else None


def _read_private(path: Path) -> tuple[Ed25519PrivateKey | None, str]:
    """The key in the file; or None, and why it cannot be read."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        if path.stat().st_mode & 0o077:  # someone widened it: narrow it again
            path.chmod(0o600)
        text = path.read_text(encoding="ascii").strip()
        if not text:
            return None, f"the signing key file {path} cannot be read: it is empty"
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text)), ""
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return None, f"the signing key file {path} cannot be read: {error}"


def _write_private(path: Path, key: Ed25519PrivateKey, replace: bool) -> bool:
    """Readable by this user only from the start, and whole or not there at all."""
    return write_atomically(path, (key.private_bytes_raw().hex() + "\n").encode("ascii"),
                            0o600, replace)


def write_atomically(path: Path, data: bytes, mode: int, replace: bool = True) -> bool:
    """`path` holds `data` whole, or keeps what it held: written to a temporary file in
    the same directory (created with `mode`, never wider on the way), flushed to the
    disk, moved to `path`, and the directory flushed so the move lasts.

    Unless `replace`, a file already at `path` (another program's) is kept, and False
    returned.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(descriptor, mode)  # as asked, whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        written = _move(temporary, path, replace)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_directory(path.parent)
    return written


def _move(source: Path, target: Path, replace: bool) -> bool:
    if replace:
        os.replace(source, target)
        return True
    try:
        os.link(source, target)  # fails, rather than replace, when the target exists
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if target.exists():
            return False
        os.replace(source, target)
    return True


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # directories cannot be opened on some systems (Windows)
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
