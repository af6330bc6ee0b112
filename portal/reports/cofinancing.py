"""The co-financing report of a project: what the exchanges tagged with it are worth at the funder’s rates.

Funders (the NGO Fund of the Society Integration Foundation, municipalities, the Active Citizens Fund, EEA
programmes) accept volunteer work and in-kind contributions as co-financing, valued at rates they set. An
organization tags its exchanges with one of its projects (portal/reports/projects.py) and enters the funder’s
rates per category of resource; the report counts, for each tagged exchange:

- only completed ones (requested or accepted ones are listed apart as not counted yet; cancelled, declined or
  withdrawn ones count for nothing);
- the confirmed figures, as the other reports do (portal/exchanges/confirmations.py: a disputed exchange
  counts the lower ones; a no-show counts nothing);
- the quantity in the unit of its category (UNITS): hours of work for intellectual resources (volunteers,
  expertise, training…), days of use for premises, equipment, vehicles and other material resources (the
  units confirmed when the resource is priced per day), units for printed materials (the units confirmed when
  priced per unit, else the quantity used);
- value = quantity × the project’s rate for the category, rounded to the cent. A category without a rate is
  valued at the exchange’s confirmed in-kind value, and the line says so.

Both directions count: what the organization received for its project (a partner’s hall, volunteers) and what
it gave within it (its own volunteers' work at a partner’s event), each line saying which. Only the
organization’s own tags count: the other side’s project is the other side’s report. The cash co-financing is
the organization’s own money or a partner’s cash contribution to the project, entered by hand on the project
(the portal does not handle money): it is added to the in-kind total for the total co-financing.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..exchanges.confirmations import state_label as confirmation_label
from ..exchanges.models import COMPLETED, OPEN_STATES, Exchange
from ..extensions import db
from ..resources import choices as catalogue
from . import services
from .models import Project, ProjectExchange

ZERO = Decimal("0")
CENT = Decimal("0.01")
HOUR, DAY, UNIT = "hour", "day", "unit"
# The report’s order of the categories, and the unit each is counted and valued in.
UNITS = {
    "volunteers": HOUR, "expertise": HOUR, "training": HOUR, "methodology": HOUR, "intellectual_other": HOUR,
    "premises": DAY, "equipment": DAY, "vehicle": DAY, "material_other": DAY,
    "materials": UNIT,
}
UNIT_LABELS = {HOUR: _l("hours"), DAY: _l("days"), UNIT: _l("units")}
RATE_LABELS = {HOUR: _l("EUR per hour"), DAY: _l("EUR per day"), UNIT: _l("EUR per unit")}
RATED, AT_EXCHANGE_VALUE = "rate", "exchange"  # how a line was valued


def category_label(category: str) -> str:
    return str(dict(catalogue.CATEGORIES).get(category, category))


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS[unit])


def quantity_of(exchange: Exchange) -> Decimal:
    """The confirmed hours, days or units of a completed exchange, in its category’s unit."""
    if exchange.reported_no_show:
        return ZERO
    resource = exchange.resource
    unit = UNITS.get(resource.category, DAY)
    if unit == HOUR:
        return services.exchange_hours(exchange)
    if resource.value_unit == unit and exchange.value_units is not None:
        return Decimal(exchange.value_units)
    if unit == DAY:
        return Decimal(exchange.days)
    return Decimal(exchange.quantity if exchange.used_quantity is None else exchange.used_quantity)


@dataclass
class Line:
    exchange: Exchange
    gave: bool  # the organization gave the resource (else it received it)
    other: object  # the partner, an Organization
    category: str
    unit: str
    quantity: Decimal
    rate: Decimal | None
    value: Decimal
    valued: str  # RATED or AT_EXCHANGE_VALUE


@dataclass
class CategoryTotal:
    category: str
    unit: str
    rate: Decimal | None
    exchanges: int = 0
    quantity: Decimal = ZERO
    value: Decimal = ZERO


@dataclass
class CofinancingReport:
    project: Project
    lines: list = field(default_factory=list)  # [Line], by the exchange’s last day
    categories: list = field(default_factory=list)  # [CategoryTotal], in the order of UNITS, those with lines
    not_counted: list = field(default_factory=list)  # [Exchange] tagged but not completed (yet)

    @property
    def in_kind(self) -> Decimal:
        return sum((line.value for line in self.lines), ZERO)

    @property
    def cash(self) -> Decimal:
        return ZERO if self.project.cash_eur is None else Decimal(self.project.cash_eur)

    @property
    def total(self) -> Decimal:
        return self.in_kind + self.cash


def value_line(project: Project, exchange: Exchange) -> Line:
    category = exchange.resource.category
    unit = UNITS.get(category, DAY)
    quantity = quantity_of(exchange)
    rate = project.rate_for(category)
    if rate is not None:
        value, valued = (quantity * Decimal(rate)).quantize(CENT, ROUND_HALF_UP), RATED
    else:
        value = ZERO if exchange.value_eur is None or exchange.reported_no_show else Decimal(exchange.value_eur)
        valued = AT_EXCHANGE_VALUE
    gave = exchange.owner_org_id == project.org_id
    return Line(exchange, gave, exchange.other_side(project.org_id), category, unit, quantity, rate, value, valued)


def tagged_exchanges(project: Project) -> list[Exchange]:
    """The exchanges the project’s organization tagged with it (the other side’s tags are its own)."""
    return db.session.scalars(select(Exchange).join(ProjectExchange, ProjectExchange.exchange_id == Exchange.id).options(
        selectinload(Exchange.resource), selectinload(Exchange.owner_org), selectinload(Exchange.requester_org)
    ).where(ProjectExchange.project_id == project.id, ProjectExchange.org_id == project.org_id).order_by(
        Exchange.ends_on, Exchange.id)).all()


def cofinancing_report(project: Project) -> CofinancingReport:
    report = CofinancingReport(project)
    totals: dict[str, CategoryTotal] = {}
    for exchange in tagged_exchanges(project):
        if exchange.state in OPEN_STATES:
            report.not_counted.append(exchange)
        if exchange.state != COMPLETED:
            continue
        line = value_line(project, exchange)
        report.lines.append(line)
        total = totals.setdefault(line.category, CategoryTotal(line.category, line.unit, line.rate))
        total.exchanges += 1
        total.quantity += line.quantity
        total.value += line.value
    order = list(UNITS)
    report.categories = sorted(totals.values(), key=lambda t: order.index(t.category) if t.category in order
                               else len(order))
    return report


# ---------------------------------------------------------------- as a table, for the downloads

def report_table(report: CofinancingReport) -> tuple[list[str], list[list]]:
    """One row per counted exchange, then the totals by category, the in-kind sum, the cash and the total."""
    head = [_l("Exchange"), _l("Last day"), _l("Direction"), _l("Partner"), _l("Resource"), _l("Category"),
            _l("Quantity"), _l("Unit"), _l("Rate (EUR)"), _l("Value (EUR)"), _l("Valued at"), _l("Confirmation")]
    rows = []
    for line in report.lines:
        e = line.exchange
        rows.append([e.id, e.ends_on, str(_l("given") if line.gave else _l("received")), line.other.name,
                     e.resource.title, category_label(line.category), line.quantity, unit_label(line.unit),
                     line.rate, line.value, valued_label(line.valued), confirmation_label(e.feedback_state)])
    for total in report.categories:
        rows.append(["", "", "", "", str(_l("Total")), category_label(total.category), total.quantity,
                     unit_label(total.unit), total.rate, total.value, "", ""])
    for label, value in ((_l("In-kind contributions"), report.in_kind), (_l("Cash co-financing"), report.cash),
                         (_l("Total co-financing"), report.total)):
        rows.append(["", "", "", "", str(label), "", None, "", None, value, "", ""])
    return [str(h) for h in head], rows


def valued_label(valued: str) -> str:
    return str(_l("the project’s rate") if valued == RATED else _l("the exchange’s value (no rate set)"))
