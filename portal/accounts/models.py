import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db

MEMBER, REPRESENTATIVE = "member", "representative"
ROLES = (MEMBER, REPRESENTATIVE)

INVITATION, PASSWORD_RESET, UNLOCK = "invitation", "password_reset", "unlock"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_weekly_digest", "digest_weekday", "digest_hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=MEMBER)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(5), default="lv")
    # Part of the login cookie; rotating it ends every existing session of this user.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which e-mails this person gets, per kind (portal.mail.preferences): instant, daily, weekly or off.
    mail_exchanges: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    mail_messages: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    mail_agreements: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    mail_network: Mapped[str] = mapped_column(String(10), default="instant", server_default="instant")
    # The weekly mail (portal.home.weekly): whether it brings the summary of what waits (None: as the role
    # has it, on for representatives), the day (0 = Monday) and the hour, Riga time, it comes at, and when it
    # was last made (sent, or found with nothing to say): what is new since then is new in the next one.
    weekly_summary: Mapped[bool | None] = mapped_column()
    digest_weekday: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    digest_hour: Mapped[int] = mapped_column(SmallInteger, default=8, server_default="8")
    weekly_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    org: Mapped["Organization"] = relationship(back_populates="people", foreign_keys=[org_id])  # noqa: F821

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        """May this account log in at all? (Flask-Login asks too.) People of a suspended
        organization may, to read; applicants wait for the approval."""
        return (self.removed_at is None and self.password_hash is not None
                and self.org.state in ("active", "suspended"))

    @property
    def is_representative(self) -> bool:
        return self.role == REPRESENTATIVE

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class OneTimeToken(db.Model):
    """An e-mailed link: invitation or password reset. Only the token's hash is stored."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


def email_key(email: str) -> str:
    return email.strip().lower()

