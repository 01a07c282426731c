"""Where the till keeps the token the central server gave it at enrolment: in the OS
keyring, or, where this machine has none (or `CAISSE_KEYRING=off`), in a file only the
till's user can read, beside the store, as the journal's signing key is kept
(adapters/signing.py).

A token in the file is found without loading the keyring library; one in the keyring is
looked up under the till's id. Saving a new token replaces the old one wherever it was.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pos_app.adapters.signing import write_atomically
from pos_app.services.ports import TokenUnavailable

TOKEN_FILE = "sync-token"
KEYRING_SERVICE = "caisse-sync"
MAX_TOKEN = 300


class KeyringTokenStore:
    """Thread-safe; the token read once is remembered for the process's life (until a
    new one is saved)."""

    def __init__(self, data_dir: Path, use_keyring: bool = True) -> None:
        self.data_dir = data_dir
        self.use_keyring = use_keyring
        self._lock = threading.Lock()
        self._known: dict[str, str] = {}

    @property
    def path(self) -> Path:
        return self.data_dir / TOKEN_FILE

    def load(self, till_id: str) -> str | None:
        with self._lock:
            if till_id in self._known:
                return self._known[till_id]
            token = self._from_file()
            if token is None and self.use_keyring:
                token = self._from_keyring(till_id)
            if token is not None:
                self._known[till_id] = token
            return token

    def save(self, till_id: str, token: str) -> None:
        if not token or len(token) > MAX_TOKEN or any(c.isspace() for c in token):
            raise TokenUnavailable("the server's token is not one the till can keep")
        with self._lock:
            self._known.pop(till_id, None)
            if self._to_keyring(till_id, token):
                self.path.unlink(missing_ok=True)  # the keyring's is the one now
            else:
                try:
                    write_atomically(self.path, (token + "\n").encode("ascii"), 0o600)
                except (OSError, UnicodeEncodeError) as error:
                    raise TokenUnavailable(f"it cannot be written to {self.path}: {error}"
                                           ) from error
            self._known[till_id] = token

    def location(self, till_id: str) -> str:
        if self.path.exists():
            return f"file {self.path}, readable only by this user"
        if self.use_keyring and self._from_keyring(till_id) is not None:
            return "OS keyring"
        return "nowhere: no token is kept"

    def _from_file(self) -> str | None:
        path = self.path
        try:
            if path.stat().st_mode & 0o077:  # someone widened it: narrow it again
                path.chmod(0o600)
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise TokenUnavailable(f"the file {path} cannot be read: {error}") from error
        return text or None

    def _from_keyring(self, till_id: str) -> str | None:
        try:
            import keyring
            from keyring.backends import fail

            if isinstance(keyring.get_keyring(), fail.Keyring):
                return None
            token: str | None = keyring.get_password(KEYRING_SERVICE, till_id)
        except Exception as error:  # a locked or broken keyring: said
            raise TokenUnavailable(f"the OS keyring cannot be read: {error}") from error
        return token

    def _to_keyring(self, till_id: str, token: str) -> bool:
        if not self.use_keyring:
            return False
        from pos_app.adapters.keyring_store import store_in_keyring

        return store_in_keyring(KEYRING_SERVICE, till_id, token)
