"""The signed PDFs of the reports (portal/reports/documents.py makes them), and volunteer hours entered by hand.

    pending → ready     (made by a job: rendered, signed and time-stamped by the network, stored)
    pending → failed    (it could not be made; the person is told)
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db
from .periods import ALL_TIME, Period, period_of

ORG, VOLUNTEERS, STATISTICS, PROJECT = "org", "volunteers", "statistics", "project"  # what it is a report of
KINDS = (ORG, VOLUNTEERS, STATISTICS, PROJECT)
PENDING, READY, FAILED = "pending", "ready", "failed"


class ReportDocument(db.Model):
    """One signed PDF of a report for a period: asked for by a person, made once by a job, kept (with its
    SHA-256, so /verify recognizes the file) in the file store under `storage_key`."""

    __tablename__ = "report_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)  # None: the network's
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)  # the co-financing report's
    period_kind: Mapped[str] = mapped_column(String(10))  # periods.MONTH … ALL_TIME
    period_start: Mapped[date | None] = mapped_column(Date)  # None: all time
    period_end: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    # While pending: who asked for which report, period and language. Unique, so that two clicks at the same
    # moment make one document; cleared when it is made (or fails).
    pending_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column()
    storage_key: Mapped[str] = mapped_column(String(200), default="", server_default="")

    org = relationship("Organization")
    project = relationship("Project")
    requested_by = relationship("User")

    @property
    def period(self) -> Period:
        return period_of(self.period_kind, self.period_start) if self.period_start else Period(ALL_TIME, None, None)


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


PROJECT_ACTIVE, PROJECT_ARCHIVED = "active", "archived"


class Project(db.Model):
    """A project or grant of an organization that its exchanges are tagged with, for the co-financing report
    (portal/reports/cofinancing.py): the funder's name and contract number, the period, the cash co-financing
    entered by hand (the organization's own money or a partner's cash contribution to the project, which does
    not go through the portal) and the funder's rates per category of resource (ProjectRate)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    funder: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(100), default="")  # the grant or contract number
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    cash_eur: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    cash_note: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(10), default=PROJECT_ACTIVE)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    org = relationship("Organization")
    rates: Mapped[list["ProjectRate"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                      order_by="ProjectRate.category")

    @property
    def is_archived(self) -> bool:
        return self.state == PROJECT_ARCHIVED

    def covers(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= starts_on and ends_on <= self.ends_on

    def rate_for(self, category: str) -> Decimal | None:
        return next((rate.eur for rate in self.rates if rate.category == category), None)


class ProjectRate(db.Model):
    """The funder's value of one hour, day or unit of a category of resource (the unit is the category's:
    portal/reports/cofinancing.py UNITS), in EUR."""

    __tablename__ = "project_rates"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    eur: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    project: Mapped[Project] = relationship(back_populates="rates")


class ProjectExchange(db.Model):
    """An exchange tagged by one of its sides with one of that side's projects: one project per side."""

    __tablename__ = "project_exchanges"
    __table_args__ = (UniqueConstraint("exchange_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    tagged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    tagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exchange = relationship("Exchange")
    project: Mapped[Project] = relationship()
    tagged_by = relationship("User")


class StatisticsVersion(db.Model):
    """A random token per bucket of the network statistics (a month `m2026-11`, or `*` for all),
    replaced by every transaction that changes an exchange counted in it (portal/reports/rollups.py)."""

    __tablename__ = "statistics_versions"

    bucket: Mapped[str] = mapped_column(String(8), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class StatisticsRollup(db.Model):
    """One pre-counted figure of a month: its completed exchanges (and their in-kind value) in all and by
    municipality, category or confirmation, its requests by state."""

    __tablename__ = "statistics_rollups"

    bucket: Mapped[str] = mapped_column(String(8), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column()
    value_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class StatisticsRollupState(db.Model):
    """The tokens a bucket's rollups were counted under: they hold while the bucket's and the global token are
    still these."""

    __tablename__ = "statistics_rollup_states"

    bucket: Mapped[str] = mapped_column(String(8), primary_key=True)
    token: Mapped[str] = mapped_column(String(65))
