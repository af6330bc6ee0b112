"""The network CA and the organizations' certificates: made, loaded and issued (revoking and rotating them is in
revocation.py, signing with them in signing.py).

Private keys are stored encrypted (PKCS#8) with a password derived from SIGNING_SECRET (or SECRET_KEY when it
is not set) and the key's purpose, so a copy of the database alone opens no key. A CA loaded from configured
files (SIGNING_CA_CERT + SIGNING_CA_KEY, or SIGNING_CA_PKCS12) keeps its key in those files only.
"""
import functools
import logging
import threading
from datetime import datetime
from pathlib import Path

from cryptography import x509
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..database import utcnow
from ..errors import RuleViolation
from ..extensions import db
from ..signing import ca as network_ca
from ..signing import keys
from ..signing.blobs import sign_statement, statement_signed_by
from ..signing.trusted_list import TrustedListError, load_trusted_list
from .models import CertificateAuthority, CertificateRevocation, OrgCertificate

log = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_unlocked: dict[tuple[str, str], object] = {}  # (purpose, fingerprint) -> private key, per process


def _secret() -> str:
    return current_app.config.get("SIGNING_SECRET") or current_app.config["SECRET_KEY"]


def key_password(purpose: str) -> bytes:
    """The password of the stored key for `purpose` ("ca", "org:<id>:<serial>", "tsa:<serial>")."""
    return keys.key_encryption_password(_secret(), purpose)


def _unlock(encrypted_pem: str, purpose: str, fingerprint: str):
    cache_key = (purpose, fingerprint)
    with _cache_lock:
        key = _unlocked.get(cache_key)
    if key is None:
        key = keys.load_private_key(encrypted_pem.encode(), key_password(purpose))
        with _cache_lock:
            _unlocked[cache_key] = key
    return key


# ---------------------------------------------------------------- the CA

def _configured_ca():
    config = current_app.config
    return _load_configured_ca(config.get("SIGNING_CA_PKCS12") or "", config.get("SIGNING_CA_CERT") or "",
                               config.get("SIGNING_CA_KEY") or "", config.get("SIGNING_CA_PASSWORD") or "")


@functools.lru_cache(maxsize=4)
def _load_configured_ca(pkcs12: str, cert: str, key: str, password: str):
    """The configured CA's (key, certificate), read and decrypted once per process and setting."""
    secret = password.encode() if password else None
    if pkcs12:
        return network_ca.load_ca_from_pkcs12(pkcs12, secret)
    if cert and key:
        return network_ca.load_ca_from_files(cert, key, secret)
    return None


def current_authority_row() -> CertificateAuthority | None:
    return db.session.scalar(select(CertificateAuthority).where(CertificateAuthority.retired_at.is_(None))
                             .order_by(CertificateAuthority.id.desc()).limit(1))


def ensure_authority(now: datetime | None = None) -> CertificateAuthority:
    """The CA in use: the configured one, or the stored one, or a new one (made and stored now)."""
    row = current_authority_row()
    configured = _configured_ca()
    if configured is not None:
        key, certificate = configured
        fingerprint = network_ca.fingerprint_sha256(certificate)
        if row is None or row.fingerprint != fingerprint:
            if row is not None:
                row.retired_at = utcnow()
            known = db.session.scalar(select(CertificateAuthority).where(
                CertificateAuthority.fingerprint == fingerprint))
            if known is not None:  # a configured CA used before, configured again
                known.retired_at = None
                row = known
            else:
                row = CertificateAuthority(certificate_pem=network_ca.certificate_pem(certificate).decode(),
                                           encrypted_key_pem="", fingerprint=fingerprint)
                db.session.add(row)
            db.session.flush()
            record("ca.loaded", obj=row, fingerprint=fingerprint)
        with _cache_lock:
            _unlocked[("ca", fingerprint)] = key
        return row
    if row is not None:
        return row
    key, certificate = network_ca.create_ca(current_app.config["NETWORK_NAME"], now=now or utcnow())
    fingerprint = network_ca.fingerprint_sha256(certificate)
    row = CertificateAuthority(certificate_pem=network_ca.certificate_pem(certificate).decode(),
                               encrypted_key_pem=keys.dump_private_key(key, key_password("ca")).decode(),
                               fingerprint=fingerprint)
    db.session.add(row)
    db.session.flush()
    record("ca.created", obj=row, fingerprint=fingerprint)
    return row


def authority_is_stored() -> bool:
    """Whether the CA in use is stored already, so that `ensure_authority` writes nothing."""
    row = current_authority_row()
    configured = _configured_ca()
    if configured is None:
        return row is not None
    return row is not None and row.fingerprint == network_ca.fingerprint_sha256(configured[1])


def authority() -> tuple[object, x509.Certificate]:
    """(key, certificate) of the CA in use."""
    row = ensure_authority()
    certificate = network_ca.certificate_from_pem(row.certificate_pem.encode())
    if not row.encrypted_key_pem:
        ensure_authority()  # a configured CA: loading it put its key in the cache
        with _cache_lock:
            return _unlocked[("ca", row.fingerprint)], certificate
    return _unlock(row.encrypted_key_pem, "ca", row.fingerprint), certificate


def retired_authority_key(row: CertificateAuthority):
    """(key, certificate) of a CA no longer in use, if its key is stored here (a configured CA's is not)."""
    if not row.encrypted_key_pem:
        with _cache_lock:
            key = _unlocked.get(("ca", row.fingerprint))
    else:
        key = _unlock(row.encrypted_key_pem, "ca", row.fingerprint)
    return (key, network_ca.certificate_from_pem(row.certificate_pem.encode())) if key is not None else None


def network_trust_roots() -> list[x509.Certificate]:
    """Every CA certificate the network has used: a signature made before a CA change still verifies."""
    rows = db.session.scalars(select(CertificateAuthority).order_by(CertificateAuthority.id)).all()
    return [network_ca.certificate_from_pem(row.certificate_pem.encode()) for row in rows]


def ca_certificate_pem() -> bytes:
    return ensure_authority().certificate_pem.encode()


def external_trust_roots() -> list[x509.Certificate]:
    """The roots a party's own qualified signature must chain to: PEM files named in
    EXTERNAL_SIGNATURE_TRUST_ROOTS (a file may hold several certificates)."""
    roots = []
    for path in current_app.config.get("EXTERNAL_SIGNATURE_TRUST_ROOTS") or []:
        roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return roots


def trusted_list():
    """The EU trusted list named by TRUSTED_LIST (read once per process), or None (also, logged, when the
    file cannot be read: outside signatures are then not judged qualified)."""
    path = current_app.config.get("TRUSTED_LIST") or ""
    if not path:
        return None
    try:
        return _load_trusted_list(path)
    except (OSError, TrustedListError):
        log.exception("TRUSTED_LIST %s could not be read", path)
        return None


@functools.lru_cache(maxsize=2)
def _load_trusted_list(path: str):
    return load_trusted_list(Path(path))


# ---------------------------------------------------------------- organizations' certificates

class SigningUnavailable(RuleViolation):
    pass


def crl_url() -> str:
    """Where every certificate the CA issues says its revocation list is (served by certificates.views)."""
    return f"{current_app.config['BASE_URL']}/ca.crl"


def is_revoked(certificate: OrgCertificate) -> bool:
    return db.session.scalar(select(CertificateRevocation.id).where(
        CertificateRevocation.authority_id == certificate.authority_id,
        CertificateRevocation.serial == certificate.serial)) is not None


def current_certificate(org) -> OrgCertificate | None:
    return db.session.scalar(select(OrgCertificate).where(OrgCertificate.org_id == org.id,
                                                          OrgCertificate.retired_at.is_(None)).limit(1))


def _purpose(org_id: int, serial: str) -> str:
    return f"org:{org_id}:{serial}"


def issue_certificate(org, actor=None, now: datetime | None = None) -> OrgCertificate:
    """A new certificate for an active organization (its name and registration number in the subject)."""
    if not org.is_active:
        raise SigningUnavailable(_l("%(org)s is not an active member: it gets no signing certificate.", org=org.name))
    now = now or utcnow()
    ca_key, ca_cert = authority()
    key, certificate = network_ca.issue_org_certificate(
        ca_key, ca_cert, org_name=org.name, registration_number=org.registration_number, now=now,
        crl_url=crl_url())
    serial = format(certificate.serial_number, "x")
    row = OrgCertificate(
        org_id=org.id, authority_id=current_authority_row().id, serial=serial,
        certificate_pem=network_ca.certificate_pem(certificate).decode(),
        encrypted_key_pem=keys.dump_private_key(key, key_password(_purpose(org.id, serial))).decode(),
        fingerprint=network_ca.fingerprint_sha256(certificate),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc)
    db.session.add(row)
    db.session.flush()
    record("certificate.issued", actor=actor, org=org, obj=row, fingerprint=row.fingerprint)
    return row


def certificate_for(org, now: datetime | None = None) -> OrgCertificate:
    """The organization's certificate in use, issued now if it has none or the one it has expired.
    Suspended (or otherwise inactive) organizations cannot sign."""
    if not org.is_active:
        raise SigningUnavailable(_l("%(org)s is not an active member and cannot sign now.", org=org.name))
    row = current_certificate(org)
    now = now or utcnow()
    if row is not None and row.not_after <= now:
        row.retired_at, row.retired_reason = now, "expired"
        row = None
    if row is not None and row.authority_id != ensure_authority().id:
        row.retired_at, row.retired_reason = now, "ca_changed"
        row = None
    if row is not None and is_revoked(row):
        row.retired_at, row.retired_reason = now, "revoked"
        row = None
    return row or issue_certificate(org, now=now)


def org_key(row: OrgCertificate):
    return _unlock(row.encrypted_key_pem, _purpose(row.org_id, row.serial), row.fingerprint)


# ---------------------------------------------------------------- statements signed by the network

def network_signer():
    """The network CA as the signer of statements such as the audit chain's checkpoints."""
    from ..audit.checkpoints import Signer

    key, certificate = authority()
    return Signer(fingerprint=network_ca.fingerprint_sha256(certificate),
                  sign=lambda statement: sign_statement(key, statement))


def network_verifiers() -> dict:
    """For every CA certificate the network has used: fingerprint → whether it signed a statement."""
    verifiers = {}
    for certificate in network_trust_roots():
        verifiers[network_ca.fingerprint_sha256(certificate)] = (
            lambda statement, signature, certificate=certificate: statement_signed_by(certificate, statement,
                                                                                      signature))
    return verifiers
