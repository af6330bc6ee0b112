from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class CertificateAuthority(db.Model):
    """The network CA. Made by `portal init` (key stored encrypted) or loaded from configured files
    (then only its certificate is stored here; the key stays in the files)."""

    __tablename__ = "certificate_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    encrypted_key_pem: Mapped[str] = mapped_column(Text, default="")  # "": the key is in configured files
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrgCertificate(db.Model):
    """An organization's signing certificate, issued by the network CA. One is current (not retired) per
    active organization; rotation retires it and issues a new one. Retired ones stay: old signatures
    name them."""

    __tablename__ = "org_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("certificate_authorities.id"))
    serial: Mapped[str] = mapped_column(String(40))
    certificate_pem: Mapped[str] = mapped_column(Text)
    encrypted_key_pem: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_reason: Mapped[str] = mapped_column(String(200), default="")

    org: Mapped["Organization"] = relationship()  # noqa: F821


class TimeStampingCertificate(db.Model):
    """The certificate and key of the network's own time-stamping authority (RFC 3161, served at POST /tsa),
    issued by the network CA; used when no outside TSA (TSA_URL) is configured. One is current per CA."""

    __tablename__ = "tsa_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("certificate_authorities.id"), index=True)
    serial: Mapped[str] = mapped_column(String(40))
    certificate_pem: Mapped[str] = mapped_column(Text)
    encrypted_key_pem: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CertificateRevocation(db.Model):
    """A certificate the network CA has withdrawn: listed on every CRL it issues from then on."""

    __tablename__ = "certificate_revocations"
    __table_args__ = (UniqueConstraint("authority_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("certificate_authorities.id"), index=True)
    serial: Mapped[str] = mapped_column(String(40))  # hex, as OrgCertificate.serial
    org_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("org_certificates.id"))
    reason: Mapped[str] = mapped_column(String(40))  # a key of portal.signing.crl.REASONS
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevocationList(db.Model):
    """A CRL the network CA issued. Every one is kept: a document of record embeds the ones that were current
    when its signatures were made."""

    __tablename__ = "revocation_lists"
    __table_args__ = (UniqueConstraint("authority_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("certificate_authorities.id"), index=True)
    number: Mapped[int] = mapped_column()
    der: Mapped[bytes] = mapped_column(LargeBinary)
    this_update: Mapped[datetime] = mapped_column(UTCDateTime)
    next_update: Mapped[datetime] = mapped_column(UTCDateTime)
