from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class OutboxMessage(db.Model):
    """Every e-mail is written here first; the sender (portal/mail/delivery.py) claims, delivers and retries.

    waiting: neither sent_at nor failed_at, due from next_attempt_at; claimed: a sender has it until
    claimed_until (then it is free again: that sender died); sent: sent_at; failed: failed_at, given up (it
    could not be built, the SMTP server refused it for good, or MAIL_MAX_ATTEMPTS ran out), last_error says why.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the plain-text part
    html_body: Mapped[str] = mapped_column(Text, default="", server_default="")  # the HTML alternative, or ""
    # Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    category: Mapped[str] = mapped_column(String(20), default="", server_default="")  # preferences' kind
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(200), default="", server_default="")  # host:pid of the sender


class DigestItem(db.Model):
    """A mail held for a person's daily or weekly digest, written in their language when it happened."""

    __tablename__ = "mail_digest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    frequency: Mapped[str] = mapped_column(String(10))  # daily | weekly
    category: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)  # what happened, in a sentence or two
    excerpt: Mapped[str] = mapped_column(Text, default="")  # the message or reason, shortened
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # in a digest, or dropped

    user: Mapped["User"] = relationship()  # noqa: F821
