"""The network CA's certificate revocation list: which certificates it has withdrawn, since when and why.

Every certificate the CA issues names the portal's CRL (`<BASE_URL>/ca.crl`) as its distribution point, so any
validator outside the portal (Adobe, the EU's DSS, pyHanko) can find out that a suspended organisation's
certificate is no longer good. The portal keeps the revocations (serial, when, why) and calls `build_crl`
after each one and on schedule before `next_update` (`regeneration_due`); the bytes are what it serves and
what `ltv.extend_to_lta` embeds in the documents of record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .ca import _require_aware, _signature_hash

# A validator treats a CRL as current until nextUpdate: a revocation becomes visible to one that cached the
# previous CRL only after it, so keep this short. The portal regenerates the CRL well before (DUE_BEFORE).
VALIDITY = timedelta(days=7)
DUE_BEFORE = timedelta(days=2)

# What the portal revokes for, as RFC 5280 reason codes (cryptography's names).
REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "ca_compromise": x509.ReasonFlags.ca_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,  # the organisation's certificate was rotated
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,  # the CA was replaced
    "privilege_withdrawn": x509.ReasonFlags.privilege_withdrawn,  # the organisation was suspended
}


@dataclass(frozen=True)
class Revocation:
    serial: int
    revoked_at: datetime
    reason: str = "unspecified"  # a key of REASONS


def build_crl(ca_key, ca_cert: x509.Certificate, revoked, *, now: datetime, number: int,
              validity: timedelta = VALIDITY) -> bytes:
    """The CRL (DER) signed by the CA, listing `revoked`: Revocation objects or (serial, revoked_at, reason)
    tuples. `number`: the CRL number, larger than that of every CRL issued before (a counter the portal
    keeps). thisUpdate is `now`, nextUpdate `now + validity`."""
    _require_aware(now)
    if number < 0:
        raise ValueError("the CRL number must not be negative")
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + validity)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
    )
    for entry in revoked:
        entry = entry if isinstance(entry, Revocation) else Revocation(*entry)
        _require_aware(entry.revoked_at)
        if entry.reason not in REASONS:
            raise ValueError(f"unknown revocation reason {entry.reason!r}; one of {sorted(REASONS)}")
        revoked_cert = (x509.RevokedCertificateBuilder()
                        .serial_number(entry.serial)
                        .revocation_date(entry.revoked_at))
        if entry.reason != "unspecified":  # RFC 5280 5.3.1: leave the reason out rather than say unspecified
            revoked_cert = revoked_cert.add_extension(x509.CRLReason(REASONS[entry.reason]), critical=False)
        builder = builder.add_revoked_certificate(revoked_cert.build())
    crl = builder.sign(ca_key, _signature_hash(ca_key))
    return crl.public_bytes(serialization.Encoding.DER)


def load_crl(der: bytes) -> x509.CertificateRevocationList:
    return x509.load_der_x509_crl(der)


def regeneration_due(crl_der: bytes | None, *, now: datetime, before: timedelta = DUE_BEFORE) -> bool:
    """Whether the CRL must be issued again now: there is none yet, or its nextUpdate is near."""
    _require_aware(now)
    if not crl_der:
        return True
    next_update = load_crl(crl_der).next_update_utc
    return next_update is None or now >= next_update - before


def revocation_of(crl_der: bytes, serial: int) -> Revocation | None:
    """The CRL's entry for `serial`, or None if the CRL does not list it."""
    entry = load_crl(crl_der).get_revoked_certificate_by_serial_number(serial)
    if entry is None:
        return None
    try:
        flag = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        reason = next(name for name, value in REASONS.items() if value == flag)
    except (x509.ExtensionNotFound, StopIteration):
        reason = "unspecified"
    return Revocation(serial, entry.revocation_date_utc, reason)
