"""Private keys at rest: encrypted PKCS#8, each with its own password derived from one configured secret.

The database holds the network CA key and every organisation's key; a copy of the database (a backup, a
dump attached to a ticket) must not be enough to sign in someone's name. So each key is encrypted with a
password that is derived from a secret kept outside the database (the app's configuration) and from the key's
purpose ("ca", "org:42"): one leaked password opens one key, and moving a key blob to another row does not
open it there.

The derived password is already 256 bits of HKDF output, so the PKCS#8 key-stretching (PBKDF2, a few thousand
rounds) adds nothing to its strength and costs little on every signature.
"""
from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Changing this label changes every derived password: existing keys could no longer be opened.
_HKDF_SALT = b"ngo-portal signing key encryption v1"


class KeyUnlockError(Exception):
    """The key could not be decrypted: wrong secret, wrong purpose, or not an encrypted private key."""


def key_encryption_password(secret: str, purpose: str) -> bytes:
    """The password that protects the key for `purpose` ("ca", "org:42"), derived from the configured secret.
    Printable ASCII (base64url), so the same password also opens the PEM with `openssl pkey -passin`."""
    if not secret:
        raise ValueError("the key encryption secret is empty")
    if not purpose:
        raise ValueError("a key needs a purpose")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT,
                   info=purpose.encode("utf-8")).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(derived).rstrip(b"=")


def new_signing_key() -> ec.EllipticCurvePrivateKey:
    """EC P-256: a PDF signature takes a few ms with it, against several times that with RSA-2048."""
    return ec.generate_private_key(ec.SECP256R1())


def dump_private_key(key, password: bytes) -> bytes:
    """The key as encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY")."""
    if not password:
        raise ValueError("refusing to store a private key without a password")
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )


def load_private_key(pem: bytes, password: bytes):
    """The key from `dump_private_key`'s PEM; KeyUnlockError if the password does not open it."""
    try:
        return serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError) as error:
        # cryptography says ValueError for a wrong password or a damaged PEM, TypeError for a PEM that is not
        # encrypted at all (which this portal never writes): all mean "this secret does not open this key".
        raise KeyUnlockError("the private key could not be unlocked (wrong secret or damaged key)") from error
