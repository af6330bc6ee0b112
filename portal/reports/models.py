from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db


class VolunteerHours(db.Model):
    """Volunteer work outside the portal, entered by hand by a representative for the organization's volunteer
    report: where, when (within one year), how many volunteers and how many hours in all."""

    __tablename__ = "volunteer_hours"
    __table_args__ = (Index("ix_volunteer_hours_org_starts_on", "org_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    place: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    volunteers: Mapped[int] = mapped_column()
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped["User"] = relationship()  # noqa: F821
