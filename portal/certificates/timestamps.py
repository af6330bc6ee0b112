"""Who time-stamps the portal's signatures: the configured outside TSA (TSA_URL, with optional Basic-auth
credentials), or else the network's own time-stamping authority, whose certificate the network CA issues
(extended key usage timeStamping only) and which answers RFC 3161 queries at POST /tsa as well.

The TSA's key is stored encrypted like the organizations' keys. A new TSA certificate is issued when the CA
changes or when the current one has less than NEW_BEFORE_EXPIRY left, so an archival time-stamp renewed a year
before its predecessor expires (signing.ltv.RENEW_BEFORE_EXPIRY) comes from a certificate with years ahead.
"""
import functools
import threading
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..audit.services import record
from ..database import utcnow
from ..extensions import db
from ..signing import ca as network_ca
from ..signing import keys
from ..signing.tsa import NetworkTSA, external_timestamper
from . import services
from .models import TimeStampingCertificate

NEW_BEFORE_EXPIRY = timedelta(days=2 * 365)

_lock = threading.Lock()
_authorities: dict[str, NetworkTSA] = {}  # fingerprint -> the unlocked TSA, per process


def _purpose(row: TimeStampingCertificate) -> str:
    return f"tsa:{row.serial}"


def ensure_tsa_certificate(now: datetime | None = None) -> TimeStampingCertificate:
    """The network TSA's current certificate, issued now if there is none for the CA in use or it nears its end."""
    now = now or utcnow()
    authority_row = services.ensure_authority()
    row = db.session.scalar(select(TimeStampingCertificate).where(
        TimeStampingCertificate.retired_at.is_(None)).order_by(TimeStampingCertificate.id.desc()).limit(1))
    if row is not None and row.authority_id == authority_row.id and row.not_after - now > NEW_BEFORE_EXPIRY:
        return row
    if row is not None:
        row.retired_at = now
    ca_key, ca_cert = services.authority()
    key, certificate = network_ca.issue_tsa_certificate(
        ca_key, ca_cert, network_name=current_app.config["NETWORK_NAME"], now=now, crl_url=services.crl_url())
    row = TimeStampingCertificate(
        authority_id=authority_row.id, serial=format(certificate.serial_number, "x"),
        certificate_pem=network_ca.certificate_pem(certificate).decode(), encrypted_key_pem="",
        fingerprint=network_ca.fingerprint_sha256(certificate), not_after=certificate.not_valid_after_utc)
    row.encrypted_key_pem = keys.dump_private_key(key, services.key_password(_purpose(row))).decode()
    db.session.add(row)
    db.session.flush()
    record("tsa.issued", obj=row, fingerprint=row.fingerprint)
    return row


def timestamper_is_ready(now: datetime | None = None) -> bool:
    """Whether `timestamper()` writes nothing first: an outside TSA, or the network TSA's current certificate is
    stored (issued for the CA in use, not near its end)."""
    if current_app.config.get("TSA_URL"):
        return True
    authority_row = services.current_authority_row()
    row = db.session.scalar(select(TimeStampingCertificate).where(
        TimeStampingCertificate.retired_at.is_(None)).order_by(TimeStampingCertificate.id.desc()).limit(1))
    return (authority_row is not None and row is not None and row.authority_id == authority_row.id
            and row.not_after - (now or utcnow()) > NEW_BEFORE_EXPIRY)


def network_tsa() -> NetworkTSA:
    """The network's own time-stamping authority (what POST /tsa answers with)."""
    row = ensure_tsa_certificate()
    with _lock:
        authority = _authorities.get(row.fingerprint)
    if authority is None:
        key = keys.load_private_key(row.encrypted_key_pem.encode(), services.key_password(_purpose(row)))
        authority = NetworkTSA(key, network_ca.certificate_from_pem(row.certificate_pem.encode()))
        with _lock:
            _authorities[row.fingerprint] = authority
    return authority


def timestamper():
    """What time-stamps the portal's signatures: the configured TSA, else the network's own."""
    config = current_app.config
    if config.get("TSA_URL"):
        return _outside_tsa(config["TSA_URL"], config.get("TSA_USERNAME") or None,
                            config.get("TSA_PASSWORD") or None)
    return network_tsa()


@functools.lru_cache(maxsize=4)
def _outside_tsa(url: str, username: str | None, password: str | None):
    # One per process and setting: it remembers the size of the TSA's tokens.
    return external_timestamper(url, username=username, password=password)


def tsa_certificates() -> list:
    """Every certificate the network TSA has had (for the validation data of old time-stamps)."""
    return [network_ca.certificate_from_pem(pem.encode()) for pem in db.session.scalars(
        select(TimeStampingCertificate.certificate_pem).order_by(TimeStampingCertificate.id)).all()]
