from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db

REQUESTED, ACCEPTED, DECLINED, WITHDRAWN, COMPLETED, CANCELLED = (
    "requested", "accepted", "declined", "withdrawn", "completed", "cancelled")
OPEN_STATES = (REQUESTED, ACCEPTED)
HANDOVER, RETURN = "handover", "return"
# What one side confirms about a completed exchange (ExchangeFeedback.outcome).
AS_AGREED, NOT_AS_AGREED, NO_SHOW = "as_agreed", "not_as_agreed", "no_show"
OUTCOMES = (AS_AGREED, NOT_AS_AGREED, NO_SHOW)
# What the two confirmations say together (Exchange.feedback_state; "" before completion); RESOLVED: a dispute
# a coordinator settled (portal/exchanges/resolutions.py).
ONE_SIDE, AGREED, DISPUTED, RESOLVED = "one_side", "agreed", "disputed", "resolved"


class Exchange(db.Model):
    """Organization B's request to use a resource of organization A, and what became of it."""

    __tablename__ = "exchanges"
    __table_args__ = (
        Index("ix_exchanges_resource_state", "resource_id", "state"),
        # Also the statistics' organizations that gave most of all time: grouped in the index's order, from it alone.
        Index("ix_exchanges_owner_state", "owner_org_id", "state", "ends_on", "value_eur"),
        Index("ix_exchanges_requester_state", "requester_org_id", "state"),
        # For the network statistics (portal/reports/statistics.py): a period's rows, read from the index alone.
        Index("ix_exchanges_period", "state", "ends_on", "resource_id", "owner_org_id", "requester_org_id",
              "value_eur"),
        Index("ix_exchanges_created", "created_at", "state", "owner_org_id", "requester_org_id"),
        Index("ix_exchanges_completed_at", "completed_at", "owner_org_id", "requester_org_id"),
        Index("ix_exchanges_feedback_state", "state", "feedback_state", "ends_on"),
        # "Needs never answered": an organization's accepted and completed requests since a day, from the index.
        Index("ix_exchanges_requester_answers", "requester_org_id", "state", "created_at", "resource_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    requester_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    # active_history: a change loads the value it replaces, so the statistics' buckets of both are counted again
    ends_on: Mapped[date] = mapped_column(Date, active_history=True)
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    quantity: Mapped[int] = mapped_column(default=1)
    purpose: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(12), default=REQUESTED, active_history=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Once completed, the figures the ledger and the reports count: what the sides confirmed (the lower figure
    # where they differ, portal/exchanges/confirmations.py); used_* None: before confirmations existed.
    value_units: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    value_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    used_quantity: Mapped[int | None] = mapped_column()
    used_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    feedback_state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    feedback: Mapped[str] = mapped_column(Text, default="")  # the comment given with the completion
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, active_history=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    resource: Mapped["Resource"] = relationship()  # noqa: F821
    owner_org: Mapped["Organization"] = relationship(foreign_keys=[owner_org_id])  # noqa: F821
    requester_org: Mapped["Organization"] = relationship(foreign_keys=[requester_org_id])  # noqa: F821
    requested_by: Mapped["User"] = relationship(foreign_keys=[requested_by_id])  # noqa: F821
    messages: Mapped[list["ExchangeMessage"]] = relationship(
        back_populates="exchange", order_by="ExchangeMessage.id")
    conditions: Mapped[list["ConditionRecord"]] = relationship(
        back_populates="exchange", order_by="ConditionRecord.id")
    confirmations: Mapped[list["ExchangeFeedback"]] = relationship(
        back_populates="exchange", order_by="ExchangeFeedback.id")
    resolution: Mapped["ExchangeResolution | None"] = relationship(back_populates="exchange", uselist=False)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def other_side(self, org_id: int):
        return self.requester_org if org_id == self.owner_org_id else self.owner_org

    def confirmation_of(self, org_id: int) -> "ExchangeFeedback | None":
        return next((c for c in self.confirmations if c.org_id == org_id), None)

    @property
    def is_disputed(self) -> bool:
        return self.feedback_state == DISPUTED

    @property
    def is_resolved(self) -> bool:
        return self.feedback_state == RESOLVED

    @property
    def reported_no_show(self) -> bool:
        """The figures counted say nothing was used (a side reported a no-show)."""
        return self.used_quantity == 0


class ExchangeMessage(db.Model):
    __tablename__ = "exchange_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exchange: Mapped[Exchange] = relationship(back_populates="messages")
    author: Mapped["User"] = relationship()  # noqa: F821
    org: Mapped["Organization"] = relationship()  # noqa: F821


class ConditionRecord(db.Model):
    """The state of a material resource at hand-over or return, and who recorded it."""

    __tablename__ = "exchange_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text)
    photo_sha256: Mapped[str] = mapped_column(String(64), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exchange: Mapped[Exchange] = relationship(back_populates="conditions")
    recorded_by: Mapped["User"] = relationship()  # noqa: F821
    org: Mapped["Organization"] = relationship()  # noqa: F821


class ExchangeFeedback(db.Model):
    """What one side confirms actually happened in a completed exchange: as agreed, not as agreed or a no-show,
    the quantity, hours and value, and a comment for the other side. One per side, changeable for a while."""

    __tablename__ = "exchange_feedback"
    __table_args__ = (UniqueConstraint("exchange_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    given_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(14))
    quantity: Mapped[int | None] = mapped_column()
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    value_units: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    value_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exchange: Mapped[Exchange] = relationship(back_populates="confirmations")
    given_by: Mapped["User"] = relationship()  # noqa: F821
    org: Mapped["Organization"] = relationship()  # noqa: F821

    @property
    def no_show(self) -> bool:
        return self.outcome == NO_SHOW


class ExchangeResolution(db.Model):
    """A network coordinator's settlement of a disputed exchange: the figures that count from then on, and a
    note of how it was settled. One per exchange; the sides' own accounts stay as they gave them."""

    __tablename__ = "exchange_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), unique=True)
    resolved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(14))  # AS_AGREED (it took place) or NO_SHOW
    quantity: Mapped[int | None] = mapped_column()
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    value_units: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    value_eur: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exchange: Mapped[Exchange] = relationship(back_populates="resolution")
    resolved_by: Mapped["User"] = relationship()  # noqa: F821

    @property
    def no_show(self) -> bool:
        return self.outcome == NO_SHOW


class CalendarFeed(db.Model):
    """The secret address of an organization's iCalendar feed."""

    __tablename__ = "calendar_feeds"

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    org: Mapped["Organization"] = relationship()  # noqa: F821
