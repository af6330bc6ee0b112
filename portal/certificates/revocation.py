"""The network CA's revocations and the CRL it publishes at /ca.crl; rotating and withdrawing an organization's
certificate, which revoke it.

A certificate is revoked when its organization is suspended (privilege withdrawn) or its certificate rotated
(superseded); every revocation is recorded (a row and an audit entry) and published at once: a new CRL is
issued in the same transaction. The daily duties (`publish_due`) issue one again before the current one's
nextUpdate, so a validator outside the portal never finds it stale. Every CRL is kept: the documents of record
embed them (portal.agreements.archive).
"""
from datetime import datetime

from sqlalchemy import func, select, text

from .. import policy
from ..audit.services import record
from ..database import utcnow
from ..errors import NotAllowed
from ..extensions import db
from ..signing import crl
from . import services
from .models import CertificateAuthority, CertificateRevocation, OrgCertificate, RevocationList

PUBLISH_LOCK = 7003  # pg_advisory_xact_lock key (the audit chain has 7001, the daily duties 7002)


def revoke(certificate: OrgCertificate, reason: str, *, actor=None, now: datetime | None = None) -> None:
    """Withdraws an organization's certificate (`reason`: a key of signing.crl.REASONS) and publishes the CRL
    that lists it. Revoking it again changes nothing."""
    if reason not in crl.REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    if services.is_revoked(certificate):
        return
    now = (now or utcnow()).replace(microsecond=0)  # a CRL says it to the second
    db.session.add(CertificateRevocation(authority_id=certificate.authority_id, serial=certificate.serial,
                                         org_certificate_id=certificate.id, reason=reason, revoked_at=now))
    db.session.flush()
    record("certificate.revoked", actor=actor, org=certificate.org, obj=certificate, reason=reason,
           serial=certificate.serial)
    if certificate.authority_id == services.ensure_authority().id:
        publish(now)


def rotate(actor, org) -> OrgCertificate:
    """Retires the organization's certificate and issues a new one (e.g. when a key may have leaked)."""
    if not policy.is_coordinator(actor):
        raise NotAllowed()
    old = services.current_certificate(org)
    if old is not None:
        old.retired_at, old.retired_reason = utcnow(), "rotated"
        db.session.flush()
        record("certificate.retired", actor=actor, org=org, obj=old, reason="rotated")
        revoke(old, "superseded", actor=actor)
    return services.issue_certificate(org, actor=actor)


def withdraw(actor, org) -> None:
    """The organization was suspended: its certificate is retired and revoked (privilege withdrawn), so no
    validator anywhere accepts a signature made with it from now on. Reactivated, it gets a new one."""
    current = services.current_certificate(org)
    if current is None:
        return
    current.retired_at, current.retired_reason = utcnow(), "suspended"
    db.session.flush()
    record("certificate.retired", actor=actor, org=org, obj=current, reason="suspended")
    revoke(current, "privilege_withdrawn", actor=actor)


def publish(now: datetime | None = None, *, retired: CertificateAuthority | None = None) -> RevocationList:
    """A new CRL of the CA in use (or of a `retired` one whose key is stored), listing everything it has
    revoked, stored and served from now on."""
    now = (now or utcnow()).replace(microsecond=0)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})  # one number each
    if retired is None:
        row = services.ensure_authority()
        ca_key, ca_cert = services.authority()
    else:
        row = retired
        ca_key, ca_cert = services.retired_authority_key(retired)
    revoked = db.session.scalars(select(CertificateRevocation).where(
        CertificateRevocation.authority_id == row.id).order_by(CertificateRevocation.id)).all()
    number = (db.session.scalar(select(func.max(RevocationList.number)).where(
        RevocationList.authority_id == row.id)) or 0) + 1
    der = crl.build_crl(ca_key, ca_cert, [crl.Revocation(int(r.serial, 16), r.revoked_at, r.reason) for r in revoked],
                        now=now, number=number)
    published = RevocationList(authority_id=row.id, number=number, der=der, this_update=now,
                               next_update=now + crl.VALIDITY)
    db.session.add(published)
    db.session.flush()
    return published


def current_list() -> RevocationList | None:
    row = services.ensure_authority()
    return db.session.scalar(select(RevocationList).where(RevocationList.authority_id == row.id)
                             .order_by(RevocationList.number.desc()).limit(1))


def revoked_count() -> int:
    """How many certificates the CA in use has revoked."""
    return db.session.scalar(select(func.count(CertificateRevocation.id)).where(
        CertificateRevocation.authority_id == services.ensure_authority().id)) or 0


def current_crl(now: datetime | None = None) -> bytes:
    """The DER of the CRL to serve: the newest, or a new one if there is none or it is due."""
    newest = current_list()
    if newest is None or crl.regeneration_due(newest.der, now=now or utcnow()):
        newest = publish(now)
    return newest.der


def fresh_crl(since: datetime) -> bytes:
    """The current CRL issued at or after `since` (a new one if the newest is older): what a document of
    record embeds, so its revocation data postdates its last signature."""
    newest = current_list()
    if newest is None or newest.this_update < since.replace(microsecond=0) or crl.regeneration_due(
            newest.der, now=utcnow()):
        newest = publish()
    return newest.der


def known_crls() -> list[bytes]:
    """The newest CRL of every CA the network has used: what /verify and the extensions know besides a file."""
    newest = select(RevocationList.authority_id, func.max(RevocationList.number).label("number")).group_by(
        RevocationList.authority_id).subquery()
    return list(db.session.scalars(select(RevocationList.der).join(
        newest, (RevocationList.authority_id == newest.c.authority_id)
        & (RevocationList.number == newest.c.number))).all())


def revoke_after_ca_change(now: datetime | None = None) -> int:
    """The network CA was replaced: every organization certificate an earlier CA issued is revoked, reason
    cessation of operation, and that CA's last CRL says so when its key is stored here. Returns how many were
    revoked (0 once done). The old TSA certificate is not revoked: the documents' last archival time-stamps
    are its, and they hold only until the next one (by the new TSA, see agreements.schedule) covers them."""
    now = (now or utcnow()).replace(microsecond=0)
    current = services.ensure_authority()
    revoked = 0
    for old in db.session.scalars(select(CertificateAuthority).where(CertificateAuthority.id != current.id)).all():
        listed = set(db.session.scalars(select(CertificateRevocation.serial).where(
            CertificateRevocation.authority_id == old.id)).all())
        issued = [(c.serial, c.id, c.org) for c in db.session.scalars(select(OrgCertificate).where(
            OrgCertificate.authority_id == old.id)).all()]
        new = [(serial, certificate_id, org) for serial, certificate_id, org in issued if serial not in listed]
        for serial, certificate_id, org in new:
            db.session.add(CertificateRevocation(authority_id=old.id, serial=serial, org_certificate_id=certificate_id,
                                                 reason="cessation_of_operation", revoked_at=now))
            record("certificate.revoked", org=org, reason="cessation_of_operation", serial=serial,
                   authority=old.fingerprint)
        db.session.flush()
        if new and services.retired_authority_key(old) is not None:
            publish(now, retired=old)
        revoked += len(new)
    return revoked


def has_authority() -> bool:
    return services.current_authority_row() is not None


def publish_due(now: datetime | None = None) -> bool:
    """The daily duty: a new CRL when the current one's nextUpdate is near. Returns whether one was issued."""
    now = now or utcnow()
    if not has_authority():
        return False  # no CA yet (`portal init` makes it): nothing to publish
    newest = current_list()
    if newest is not None and not crl.regeneration_due(newest.der, now=now):
        return False
    publish(now)
    return True
