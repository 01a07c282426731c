"""Writing a secret to the OS keyring, where this machine has a usable one."""

from __future__ import annotations


def store_in_keyring(service: str, name: str, secret: str) -> bool:
    """Keep `secret` under (`service`, `name`) in the OS keyring; True once it reads back
    the same. False when there is no usable keyring (none installed, the "fail" backend,
    a locked or broken one): the caller keeps the secret in its private file instead."""
    try:
        import keyring  # loaded only when a secret is first kept
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or backend.priority <= 0:
            return False
        keyring.set_password(service, name, secret)
        return bool(keyring.get_password(service, name) == secret)
    except Exception:  # noqa: BLE001 - any keyring failure means: keep it in a file
        return False
