"""Personal API tokens (only their SHA-256 is stored), webhooks and their delivery log."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db
from . import sealing

READ, READ_WRITE = "read", "read_write"
SCOPES = (READ, READ_WRITE)


class ApiToken(db.Model):
    """A person's token for /api/v1/: it acts as that person, within its scope, until it expires or is
    revoked; it never opens a web page."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown in the list so that its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10), default=READ)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def allows_writes(self) -> bool:
        return self.scope == READ_WRITE

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class Webhook(db.Model):
    """An address of an organization's own tools that hears of its exchanges and agreements."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[str] = mapped_column(String(400))  # comma-separated event names
    # The signing key: kept sealed (each delivery is signed with it), shown only once, when it is made.
    sealed_secret: Mapped[str] = mapped_column("secret", String(255))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    org: Mapped["Organization"] = relationship()  # noqa: F821
    deliveries: Mapped[list["WebhookDelivery"]] = relationship(
        back_populates="webhook", order_by="WebhookDelivery.id.desc()")

    @property
    def secret(self) -> str:
        return sealing.unseal(self.sealed_secret)

    @secret.setter
    def secret(self, plain: str) -> None:
        self.sealed_secret = sealing.seal(plain)

    @property
    def event_names(self) -> list[str]:
        return [name for name in self.events.split(",") if name]


class WebhookDelivery(db.Model):
    """One event sent (or being sent) to one webhook: the delivery log."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the JSON sent, byte for byte the signed one
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(Text, default="")

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")
