"""How much of a material resource is taken on each day by accepted exchanges, as a month calendar, and
which days of a period have too little left. Intellectual resources (a trainer's hours) are not counted
by the day: their calendar shows the accepted exchanges only."""
import calendar as months
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select

from ..extensions import db
from ..resources import choices as catalogue
from ..resources.models import Resource
from .models import ACCEPTED, COMPLETED, Exchange


@dataclass
class Day:
    day: date
    in_month: bool
    taken: int = 0
    total: int = 0
    exchanges: list = field(default_factory=list)

    @property
    def left(self) -> int:
        return max(self.total - self.taken, 0)

    @property
    def status(self) -> str:
        """free, partly taken, or full (nothing left)."""
        if not self.taken:
            return "free"
        return "full" if self.left == 0 else "partial"


def _accepted(resource: Resource, start: date, end: date, exclude_id: int | None = None) -> list[Exchange]:
    query = select(Exchange).where(
        Exchange.resource_id == resource.id, Exchange.state == ACCEPTED,
        Exchange.starts_on <= end, Exchange.ends_on >= start).order_by(Exchange.starts_on, Exchange.id)
    if exclude_id is not None:
        query = query.where(Exchange.id != exclude_id)
    return db.session.scalars(query).all()


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def taken_by_day(resource: Resource, start: date, end: date, exclude_id: int | None = None) -> dict[date, int]:
    """Units of the resource given to accepted exchanges on each day from start to end (days with none left out)."""
    taken: dict[date, int] = {}
    for exchange in _accepted(resource, start, end, exclude_id):
        for day in _days(max(exchange.starts_on, start), min(exchange.ends_on, end)):
            taken[day] = taken.get(day, 0) + exchange.quantity
    return taken


def short_days(resource: Resource, start: date, end: date, quantity: int,
               exclude_id: int | None = None) -> list[tuple[date, int]]:
    """The days of the period on which fewer than `quantity` units are left: (day, units left)."""
    if resource.kind != catalogue.MATERIAL or end < start:
        return []
    taken = taken_by_day(resource, start, end, exclude_id)
    return [(day, max(resource.quantity - used, 0)) for day, used in sorted(taken.items())
            if resource.quantity - used < quantity]


def month_of(value: str | None, today: date) -> date:
    """The first day of the month asked for as "YYYY-MM", or of this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if abs(year - today.year) <= 10:  # 9999-12 would have no next month
            return date(year, month, 1)
    except (ValueError, TypeError):
        pass
    return today.replace(day=1)


def _weeks(first: date) -> list[list[date]]:
    """The weeks (Monday first) that show the month of `first`."""
    return months.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


def resource_month(resource: Resource, first: date) -> list[list[Day]]:
    """The month of `first` as weeks of days, each with what accepted exchanges take of the resource."""
    weeks = _weeks(first)
    start, end = weeks[0][0], weeks[-1][-1]
    total = resource.quantity if resource.kind == catalogue.MATERIAL else 0
    days = {day: Day(day, day.month == first.month, total=total) for week in weeks for day in week}
    for exchange in _accepted(resource, start, end):
        for day in _days(max(exchange.starts_on, start), min(exchange.ends_on, end)):
            days[day].exchanges.append(exchange)
            if total:
                days[day].taken += exchange.quantity
    return [[days[day] for day in week] for week in weeks]


def org_month(org_id: int, first: date) -> list[list[Day]]:
    """The month of `first` as weeks of days, each with the organization's accepted (or completed) exchanges."""
    weeks = _weeks(first)
    start, end = weeks[0][0], weeks[-1][-1]
    days = {day: Day(day, day.month == first.month) for week in weeks for day in week}
    entries = db.session.scalars(select(Exchange).where(
        or_(Exchange.owner_org_id == org_id, Exchange.requester_org_id == org_id),
        Exchange.state.in_((ACCEPTED, COMPLETED)), Exchange.starts_on <= end, Exchange.ends_on >= start)
        .order_by(Exchange.starts_on, Exchange.id)).all()
    for exchange in entries:
        for day in _days(max(exchange.starts_on, start), min(exchange.ends_on, end)):
            days[day].exchanges.append(exchange)
    return [[days[day] for day in week] for week in weeks]


def neighbours(first: date) -> tuple[str, str]:
    """The previous and next months as "YYYY-MM"."""
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return previous.strftime("%Y-%m"), following.strftime("%Y-%m")
