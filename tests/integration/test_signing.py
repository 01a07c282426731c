"""The till's signing key: in the OS keyring when there is one, else in a file only the
till's user reads; found again on the next start; a missing key is a clear error."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from pos_app.adapters.signing import KEY_FILE, KEY_INFO_FILE, Ed25519Signer
from pos_app.services.ports import SigningKeyUnavailable

DIGEST = hashlib.sha256(b"entry").digest()


class MemoryKeyring(KeyringBackend):
    """The OS keyring's API over a dict: no keyring daemon runs on a build machine."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_key_goes_to_a_private_file(tmp_path: Path,
                                                          no_keyring: None) -> None:
    signer = Ed25519Signer(tmp_path)
    signature = signer.sign(DIGEST)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert "no OS keyring" in signer.location
    assert signer.verify(signer.public_key, DIGEST, signature)
    assert not signer.verify(signer.public_key, hashlib.sha256(b"other").digest(), signature)
    again = Ed25519Signer(tmp_path)
    assert (again.key_id, again.public_key) == (signer.key_id, signer.public_key)
    info = json.loads((tmp_path / KEY_INFO_FILE).read_text())
    assert info == {"key_id": signer.key_id, "location": "file",
                    "public_key": signer.public_key}


def test_with_a_keyring_the_key_stays_out_of_the_files(tmp_path: Path,
                                                      memory_keyring: MemoryKeyring) -> None:
    signer = Ed25519Signer(tmp_path)
    signature = signer.sign(DIGEST)
    assert signer.location == "OS keyring"
    assert not (tmp_path / KEY_FILE).exists()
    assert len(memory_keyring.secrets) == 1
    again = Ed25519Signer(tmp_path)
    assert again.verify(again.public_key, DIGEST, signature)
    assert again.key_id == signer.key_id


def test_a_key_gone_from_the_keyring_is_a_clear_error(tmp_path: Path,
                                                      memory_keyring: MemoryKeyring) -> None:
    signer = Ed25519Signer(tmp_path)
    signer.prepare()
    memory_keyring.secrets.clear()
    with pytest.raises(SigningKeyUnavailable, match="missing from the OS keyring"):
        Ed25519Signer(tmp_path).sign(DIGEST)


def test_keyring_can_be_turned_off(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    Ed25519Signer(tmp_path, use_keyring=False).prepare()
    assert not memory_keyring.secrets
    assert (tmp_path / KEY_FILE).exists()


def test_a_widened_key_file_is_narrowed_and_a_damaged_one_refused(
        tmp_path: Path, no_keyring: None) -> None:
    Ed25519Signer(tmp_path).prepare()
    key_file = tmp_path / KEY_FILE
    key_file.chmod(0o644)
    Ed25519Signer(tmp_path).prepare()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_file.write_bytes(b"not a key")
    with pytest.raises(SigningKeyUnavailable, match="cannot be read"):
        Ed25519Signer(tmp_path).sign(DIGEST)


def test_a_key_made_just_before_a_crash_is_kept(tmp_path: Path, no_keyring: None) -> None:
    first = Ed25519Signer(tmp_path)
    first.prepare()
    (tmp_path / KEY_INFO_FILE).unlink()  # the crash came before the description
    assert Ed25519Signer(tmp_path).key_id == first.key_id


def test_another_key_in_the_file_is_refused(tmp_path: Path, no_keyring: None) -> None:
    Ed25519Signer(tmp_path).prepare()
    other = tmp_path / "other"
    Ed25519Signer(other).prepare()
    (tmp_path / KEY_FILE).write_bytes((other / KEY_FILE).read_bytes())
    with pytest.raises(SigningKeyUnavailable, match="is not key"):
        Ed25519Signer(tmp_path).prepare()


def test_a_rotation_in_the_keyring_removes_the_previous_key(
        tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    signer = Ed25519Signer(tmp_path)
    old = signer.key_id
    recorded: list[tuple[str, str]] = []
    signer.rotate(lambda key_id, public, _sign: recorded.append((key_id, public)))
    assert recorded == [(signer.key_id, signer.public_key)] and signer.key_id != old
    assert list(memory_keyring.secrets) == [("caisse-journal", signer.key_id)]
    assert Ed25519Signer(tmp_path).key_id == signer.key_id


def test_a_rotation_whose_record_fails_keeps_the_key(tmp_path: Path,
                                                     memory_keyring: MemoryKeyring) -> None:
    signer = Ed25519Signer(tmp_path)
    old = signer.key_id

    def refuse(_key_id: str, _public: str, _sign: Callable[[bytes], bytes]) -> None:
        raise SigningKeyUnavailable("the store refused")

    with pytest.raises(SigningKeyUnavailable):
        signer.rotate(refuse)
    assert signer.key_id == old == Ed25519Signer(tmp_path).key_id
    assert list(memory_keyring.secrets) == [("caisse-journal", old)]
    assert sorted(path.name for path in tmp_path.iterdir()) == [KEY_INFO_FILE]


def test_no_new_key_when_the_journal_knows_one(tmp_path: Path, no_keyring: None) -> None:
    """The key's files removed after it signed: no new key takes its place."""
    with pytest.raises(SigningKeyUnavailable, match="signing key is gone"):
        Ed25519Signer(tmp_path, keys_in_use=lambda: {"00217a5447d00d30"}).prepare()
    assert not any(tmp_path.iterdir())
    Ed25519Signer(tmp_path, keys_in_use=set).prepare()  # a new till's first key
    assert (tmp_path / KEY_FILE).exists()
