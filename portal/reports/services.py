"""An organization's own reports: what it gave and received in a period, and its volunteer report for a year.

Both read completed exchanges only, counted in the period of their last day (as the ledger and the network
statistics). The figures are those the two sides confirmed (portal/exchanges/confirmations.py: where they
differ, the lower one, and the exchange is marked as disputed). Worth is the in-kind value in EUR; hours are
those of intellectual resources (the hours confirmed; for exchanges completed before confirmations, the
completed hours when the rate is per hour, else the hours requested); days are those of material resources
(premises, equipment, vehicles, materials), none for a no-show.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import policy
from ..exchanges.confirmations import state_label as confirmation_label
from ..exchanges.models import COMPLETED, Exchange
from ..extensions import db
from ..orgs.services import get_visible_org
from ..resources import choices as catalogue
from ..text import fold_diacritics, latvian_sort_key
from . import volunteer_hours
from .periods import Period, period_of, YEAR

ZERO = Decimal("0")
VOLUNTEER_CATEGORIES = ("volunteers", "expertise")


def get_reported_org(user, org_id: int):
    """The organization whose report `user` may read: their own, or any for a coordinator (others: 404)."""
    return get_visible_org(user, org_id, permission=policy.can_see_org_report)


def exchange_hours(exchange: Exchange) -> Decimal:
    if exchange.resource.kind != catalogue.INTELLECTUAL:
        return ZERO
    if exchange.used_hours is not None:
        return Decimal(exchange.used_hours)
    if exchange.resource.value_unit == "hour" and exchange.value_units is not None:
        return Decimal(exchange.value_units)
    return Decimal(exchange.hours or 0)


def exchange_days(exchange: Exchange) -> int:
    if exchange.resource.kind != catalogue.MATERIAL or exchange.reported_no_show:
        return 0
    return exchange.days


def volunteers_of(exchange: Exchange) -> int:
    """The people of an exchange of volunteers or expertise: as confirmed, else as requested."""
    return exchange.quantity if exchange.used_quantity is None else exchange.used_quantity


@dataclass
class Line:
    exchange: Exchange
    other: object  # Organization
    value: Decimal
    hours: Decimal
    days: int


@dataclass
class Side:
    """What was given, or received: the exchanges behind it, totals and the partners."""
    lines: list = field(default_factory=list)
    value: Decimal = ZERO
    hours: Decimal = ZERO
    days: int = 0
    partners: dict = field(default_factory=dict)  # name -> {"count", "value"}

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.value += line.value
        self.hours += line.hours
        self.days += line.days
        partner = self.partners.setdefault(line.other.name, {"count": 0, "value": ZERO})
        partner["count"] += 1
        partner["value"] += line.value


@dataclass
class OrgReport:
    org: object
    period: Period
    given: Side
    received: Side


def completed_exchanges(org_id: int, period: Period) -> list[Exchange]:
    query = select(Exchange).options(
        selectinload(Exchange.resource), selectinload(Exchange.owner_org), selectinload(Exchange.requester_org)
    ).where(or_(Exchange.owner_org_id == org_id, Exchange.requester_org_id == org_id), Exchange.state == COMPLETED)
    if period.start:
        query = query.where(Exchange.ends_on >= period.start)
    if period.end:
        query = query.where(Exchange.ends_on <= period.end)
    return db.session.scalars(query.order_by(Exchange.ends_on, Exchange.id)).all()


def org_report(org, period: Period) -> OrgReport:
    report = OrgReport(org, period, Side(), Side())
    for exchange in completed_exchanges(org.id, period):
        gave = exchange.owner_org_id == org.id
        value = ZERO if exchange.value_eur is None else Decimal(exchange.value_eur)
        line = Line(exchange, exchange.other_side(org.id), value,
                    exchange_hours(exchange), exchange_days(exchange))
        (report.given if gave else report.received).add(line)
    return report


@dataclass
class VolunteerPlace:
    place: str
    volunteers: int  # in all: the exchanges' and the hand-entered
    hours: Decimal
    exchanges: list
    entered: list = field(default_factory=list)  # [VolunteerHours] entered by hand
    entered_volunteers: int = 0
    entered_hours: Decimal = ZERO


@dataclass
class VolunteerReport:
    org: object
    year: int
    places: list  # [VolunteerPlace], by place

    @property
    def volunteers(self) -> int:
        return sum(p.volunteers for p in self.places)

    @property
    def hours(self) -> Decimal:
        return sum((p.hours for p in self.places), ZERO)

    @property
    def entered_volunteers(self) -> int:
        return sum(p.entered_volunteers for p in self.places)

    @property
    def entered_hours(self) -> Decimal:
        return sum((p.entered_hours for p in self.places), ZERO)

    @property
    def entries(self) -> list:
        return sorted((e for p in self.places for e in p.entered), key=lambda e: (e.starts_on, e.id))


def volunteer_place(exchange: Exchange) -> str:
    """Where the volunteers worked: the resource's place if given, else its municipality."""
    resource = exchange.resource
    return resource.location.strip() or resource.label("municipality")


def _place_key(place: str) -> str:
    """Places typed by hand match the portal's whatever the case and the diacritics ("Līvāni", "livani")."""
    return fold_diacritics(" ".join(place.split())).casefold()


def volunteer_report(org, year: int) -> VolunteerReport:
    """For the annual report the Volunteer Service Law asks of an organization that involves volunteers: per place
    of volunteer work, the number of volunteers (the people of each exchange, as confirmed) and their hours, from
    the completed exchanges in which the organization gave volunteers or expertise, and the work outside the
    portal that its representatives entered by hand (counted with the place's, shown apart)."""
    period = period_of(YEAR, date(year, 1, 1))
    places: dict[str, VolunteerPlace] = {}

    def place_of(name: str) -> VolunteerPlace:
        return places.setdefault(_place_key(name), VolunteerPlace(name, 0, ZERO, []))

    for exchange in completed_exchanges(org.id, period):
        if exchange.owner_org_id != org.id or exchange.resource.category not in VOLUNTEER_CATEGORIES:
            continue
        if exchange.reported_no_show:
            continue  # nobody worked
        place = place_of(volunteer_place(exchange))
        place.volunteers += volunteers_of(exchange)
        place.hours += exchange_hours(exchange)
        place.exchanges.append(exchange)
    for entry in volunteer_hours.entries(org.id, year):
        place = place_of(entry.place)
        place.volunteers += entry.volunteers
        place.hours += Decimal(entry.hours)
        place.entered.append(entry)
        place.entered_volunteers += entry.volunteers
        place.entered_hours += Decimal(entry.hours)
    return VolunteerReport(org, year, sorted(places.values(), key=lambda p: latvian_sort_key(p.place)))


# ---------------------------------------------------------------- as tables, for the downloads

def org_report_table(report: OrgReport) -> tuple[list[str], list[list]]:
    head = [_l("Direction"), _l("Exchange"), _l("Resource"), _l("Category"), _l("With"), _l("From"), _l("To"),
            _l("In-kind value (EUR)"), _l("Hours"), _l("Days"), _l("Confirmation")]
    rows = []
    for direction, side in ((_l("given"), report.given), (_l("received"), report.received)):
        for line in side.lines:
            e = line.exchange
            rows.append([str(direction), e.id, e.resource.title, e.resource.label("category"), line.other.name,
                         e.starts_on, e.ends_on, line.value, line.hours, line.days,
                         confirmation_label(e.feedback_state)])
    return [str(h) for h in head], rows


def volunteer_report_table(report: VolunteerReport) -> tuple[list[str], list[list]]:
    head = [_l("Place of volunteer work"), _l("Volunteers"), _l("Hours"), _l("Exchanges"),
            _l("Volunteers entered by hand"), _l("Hours entered by hand"), _l("Entered by hand")]
    disputed = str(_l("disputed"))
    rows = [[p.place, p.volunteers, p.hours,
             ", ".join(f"#{e.id}" + (f" ({disputed})" if e.is_disputed else "") for e in p.exchanges),
             p.entered_volunteers, p.entered_hours, "; ".join(_entry_text(e) for e in p.entered)]
            for p in report.places]
    rows.append([str(_l("Total")), report.volunteers, report.hours, "", report.entered_volunteers,
                 report.entered_hours, ""])
    return [str(h) for h in head], rows


def _entry_text(entry) -> str:
    period = f"{entry.starts_on.isoformat()}–{entry.ends_on.isoformat()}"
    return f"{period} {entry.note}".strip()
