"""Documents the network makes and signs itself: an agreement's completion certificate, a report.

Each is rendered once (portal.pdfs), certified by the network CA with a time-stamp (PAdES B-T) that allows no
change after it (`certify`), and stored in the file store under its SHA-256 (`store`), so that /verify
recognizes the file by its digest and its time-stamp proves when it was made. Made again on demand it would be
another file with another digest. What a document is of (the agreement, the report and its period) is kept
in a row of its own domain, with the digest and the key `store` gives; `read` gets the bytes back and checks
that they are still the ones stored.
"""
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from .certificates import signing
from .storage import get_storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    size: int
    storage_key: str


def signs_without_writing() -> bool:
    """Whether `certify` stores nothing first (the network's CA and time-stamping certificate exist): then it
    may run in a transaction that only reads."""
    return signing.signs_without_writing()


def certify(pdf: bytes, *, reason: str, signing_time: datetime) -> bytes:
    """The network's final certification with its time-stamp: nobody signs after it, nothing may change."""
    return signing.certify_final(pdf, signing_time=signing_time, reason=reason)


def store(data: bytes, folder: str) -> StoredDocument:
    """Stores the signed bytes as `<folder>/<sha256>.pdf`. Named by its digest, so a transaction rolled back
    after it leaves at most an unused file, and storing the same bytes twice is one file."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = f"{folder}/{sha256}.pdf"
    get_storage().put(key, data)
    return StoredDocument(sha256, len(data), key)


def read(storage_key: str, sha256: str, what: str) -> bytes | None:
    """The stored bytes, or None if the file store lost them or they are not what was stored (logged, naming
    `what`: "completion certificate 7")."""
    try:
        data = get_storage().get(storage_key)
    except FileNotFoundError:
        log.error("%s: %s is missing", what, storage_key)
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("%s: %s has other bytes than stored", what, storage_key)
        return None
    return data
