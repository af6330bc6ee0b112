from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """Append-only; each row carries the hash of the one before it."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    ip: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped["User | None"] = relationship()  # noqa: F821
    org: Mapped["Organization | None"] = relationship()  # noqa: F821


class AuditCheckpoint(db.Model):
    """The chain's head at a moment, signed by the network: events can then be neither removed from the end
    nor rewritten (with the chain recomputed after them) without the checkpoint giving it away. A copy of
    each is also kept in the file store, apart from the database."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_event_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    events: Mapped[int]  # how many events the chain had up to and including last_event_id
    signer: Mapped[str] = mapped_column(String(64))  # fingerprint of the network CA certificate that signed
    signature: Mapped[str] = mapped_column(Text)  # base64 of the signature over `statement`
    timestamp_token: Mapped[str] = mapped_column(Text, default="")  # base64 RFC 3161 token, when a TSA is set
