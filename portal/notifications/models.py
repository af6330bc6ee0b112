from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Notification(db.Model):
    """An in-app message; its text is rendered in the reader's language at display time.

    One that asks its reader to act (sign, approve, answer…) carries an `action_key` naming that action,
    e.g. "agreement:5:sign:3"; it waits at the top of the list until the service that does the action
    resolves the key (`resolved_at`), whether or not it has been read."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[str] = mapped_column(Text, default="{}")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action_key: Mapped[str] = mapped_column(String(80), default="", server_default="", index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def waits_for_action(self) -> bool:
        return bool(self.action_key) and self.resolved_at is None
