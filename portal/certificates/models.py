from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
