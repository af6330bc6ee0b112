"""Signing and checking small statements (e.g. the audit chain's checkpoints) with the network CA's EC key."""
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import Certificate


def sign_statement(key: ec.EllipticCurvePrivateKey, statement: bytes) -> bytes:
    return key.sign(statement, ec.ECDSA(hashes.SHA256()))


def statement_signed_by(certificate: Certificate, statement: bytes, signature: bytes) -> bool:
    try:
        certificate.public_key().verify(signature, statement, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
