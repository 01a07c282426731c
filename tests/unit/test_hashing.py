"""Staff secrets are stored as argon2id hashes, never as themselves."""

from __future__ import annotations

import pytest

from pos_app.adapters.hashing import Argon2Hasher

# Made by argon2-cffi's PasswordHasher: its default settings (64 MiB, 3 passes, 4 lanes),
# and an argon2i hash with its low-level API, both of the secret "1234".
ARGON2_CFFI_DEFAULT = ("$argon2id$v=19$m=65536,t=3,p=4$8YnXrEmZjb9wgDc37tQTpQ"
                       "$0UFfJP9Hk6T636NXJBWiDS/vtIc4I0SsFcPB1xyeKxA")
ARGON2I = ("$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHRzb21lc2FsdA"
           "$jVGqN8RuCqOXyn++zF+f8WC18gzc3KE48bTw4+EOWtc")


def test_a_secret_is_stored_as_an_argon2id_hash_with_the_owasp_profile() -> None:
    stored = Argon2Hasher().hash("1234")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and "1234" not in stored
    assert Argon2Hasher().verify(stored, "1234")
    assert not Argon2Hasher().verify(stored, "4321")


def test_the_same_secret_hashes_differently_each_time() -> None:
    hasher = Argon2Hasher()
    assert hasher.hash("1234") != hasher.hash("1234")  # a new salt each time


@pytest.mark.parametrize("stored", [ARGON2_CFFI_DEFAULT, ARGON2I])
def test_hashes_made_elsewhere_or_with_other_settings_still_verify(stored: str) -> None:
    assert Argon2Hasher().verify(stored, "1234")
    assert not Argon2Hasher().verify(stored, "12345")


def test_secrets_beyond_ascii_verify() -> None:
    hasher = Argon2Hasher()
    assert hasher.verify(hasher.hash("çà€ 1234"), "çà€ 1234")
    assert not hasher.verify(hasher.hash("çà€ 1234"), "ca€ 1234")


@pytest.mark.parametrize("damaged", ["not a hash", "", "$argon2id$garbage",
                                     ARGON2_CFFI_DEFAULT[:-4], ARGON2I.replace("m=1024", "m=é")])
def test_a_damaged_hash_refuses_rather_than_fails(damaged: str) -> None:
    assert not Argon2Hasher().verify(damaged, "1234")


def test_preparing_loads_the_library_ahead_of_the_first_check() -> None:
    hasher = Argon2Hasher()
    hasher.prepare()
    assert hasher._bindings is not None  # what is loaded is the point of the test
    assert hasher.verify(hasher.hash("1234"), "1234")
