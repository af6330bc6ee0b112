"""Webhook secrets at rest: each delivery must be signed with the secret itself (it cannot be hashed like a
token), so it is stored encrypted (Fernet: AES-128-CBC with an HMAC) under a key derived from the portal's
signing secret, as the organizations' private keys are. A copy of the database alone then reveals no secret.
Changing SIGNING_SECRET (or SECRET_KEY without it) makes the stored secrets unreadable: register anew."""
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from ..signing import keys

PREFIX = "sealed1:"


class UnreadableSecret(Exception):
    """The stored secret was sealed under another signing secret."""


def _fernet() -> Fernet:
    secret = current_app.config.get("SIGNING_SECRET") or current_app.config["SECRET_KEY"]
    return Fernet(keys.key_encryption_password(secret, "webhook-secrets") + b"=")


def seal(plain: str) -> str:
    return PREFIX + _fernet().encrypt(plain.encode()).decode()


def unseal(stored: str) -> str:
    """The secret; a value stored before secrets were sealed is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret("the webhook's secret was sealed under another SIGNING_SECRET") from error
