"""Staff secrets are stored as argon2id hashes, never as themselves."""

from __future__ import annotations

from argon2 import PasswordHasher

from pos_app.adapters.hashing import Argon2Hasher


def test_a_secret_is_stored_as_an_argon2id_hash_with_the_owasp_profile() -> None:
    stored = Argon2Hasher().hash("1234")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and "1234" not in stored
    assert Argon2Hasher().verify(stored, "1234")
    assert not Argon2Hasher().verify(stored, "4321")


def test_hashes_made_with_other_settings_still_verify() -> None:
    assert Argon2Hasher().verify(PasswordHasher().hash("1234"), "1234")


def test_a_damaged_hash_refuses_rather_than_fails() -> None:
    assert not Argon2Hasher().verify("not a hash", "1234")


def test_preparing_loads_the_library_ahead_of_the_first_check() -> None:
    hasher = Argon2Hasher()
    hasher.prepare()
    assert hasher._hasher is not None  # what is loaded is the point of the test
    assert hasher.verify(hasher.hash("1234"), "1234")
