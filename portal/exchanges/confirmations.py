"""What actually happened in a completed exchange, as each side confirms it, and the figures that count.

Completing an exchange is the first side's confirmation; the other side confirms from the exchange's page
(any person of the organization, as for completing). Each side may change its own confirmation until
FEEDBACK_DAYS after the completion; then the figures are final. The figures the ledger, the reports and the
network statistics count are written onto the exchange (value_units, value_eur, used_quantity, used_hours):

- one side has confirmed: its figures (`one_side`);
- both confirmed the same figures, or both a no-show: those (`agreed`);
- the figures differ, or one side says no-show and the other does not: the lower of each figure, and nothing
  at all when either says no-show (`disputed`). The lower figure is the part both sides confirm; a report to
  a funder or under the Volunteer Service Law must not count what one side denies. A figure only one side
  gave (an empty value) is no disagreement: it counts as given.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import policy
from ..audit.services import record as audit
from ..dates import format_day, local_today
from ..database import utcnow
from ..errors import RuleViolation, require
from ..extensions import db
from ..notifications.services import resolve
from ..resources import choices as catalogue
from .notices import confirm_key, tell_other_side
from .models import (AGREED, AS_AGREED, COMPLETED, DISPUTED, NO_SHOW, NOT_AS_AGREED, ONE_SIDE, OUTCOMES, RESOLVED,
                     Exchange, ExchangeFeedback)

FEEDBACK_DAYS = 30
ZERO = Decimal("0")

OUTCOME_LABELS = {
    AS_AGREED: _l("Delivered as agreed"),
    NOT_AS_AGREED: _l("Delivered, but not as agreed"),
    NO_SHOW: _l("Did not take place (no-show)"),
}
STATE_LABELS = {
    ONE_SIDE: _l("confirmed by one side"),
    AGREED: _l("confirmed by both sides"),
    DISPUTED: _l("disputed: the lower figures count"),
    RESOLVED: _l("settled by a coordinator"),
}


@dataclass(frozen=True)
class Figures:
    """One side's account: the outcome, and (unless a no-show) the quantity used, hours, units and value."""
    outcome: str
    quantity: int | None = None
    hours: Decimal | None = None
    value_units: Decimal | None = None
    value_eur: Decimal | None = None
    comment: str = ""

    @classmethod
    def of(cls, row: ExchangeFeedback) -> "Figures":
        return cls(row.outcome, row.quantity, row.hours, row.value_units, row.value_eur, row.comment)


def needs_hours(resource) -> bool:
    """Intellectual resources are used in hours, and so is anything priced by the hour."""
    return resource.kind == catalogue.INTELLECTUAL or resource.value_unit == "hour"


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, ""))


# ---------------------------------------------------------------- how long

def completed_on(exchange: Exchange) -> date | None:
    if exchange.completed_at is None:
        return None
    return exchange.completed_at.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def open_until(exchange: Exchange) -> date | None:
    """The last day on which the sides may confirm or change their confirmation."""
    day = completed_on(exchange)
    return day + timedelta(days=FEEDBACK_DAYS) if day else None


def is_open(exchange: Exchange, today: date) -> bool:
    """Whether the sides may still confirm or change their confirmation (not after a coordinator settled it)."""
    until = open_until(exchange)
    return (exchange.state == COMPLETED and exchange.feedback_state != RESOLVED and until is not None
            and today <= until)


# ---------------------------------------------------------------- the checks of one side's account

def figure_problems(exchange: Exchange, figures: Figures) -> dict:
    """{field: message} for an account that cannot stand, the form's fields aside (None: a value the form
    refused or left empty; the services take it as what was requested)."""
    problems = {}
    if figures.outcome is None:
        return problems  # the form said to choose; the rest depends on the choice
    if figures.outcome not in OUTCOMES:
        return {"outcome": _l("Choose what happened.")}
    if figures.outcome == NOT_AS_AGREED and not figures.comment.strip():
        problems["feedback"] = _l("Say what was not as agreed.")
    if figures.outcome == NO_SHOW:
        return problems
    most = max(exchange.resource.quantity, exchange.quantity)
    if figures.quantity is not None and figures.quantity > most:
        problems["quantity"] = _l("At most %(n)d: the resource has no more.", n=most)
    if (exchange.resource.value_unit == "hour" and figures.value_units is not None
            and not Decimal("0.5") <= Decimal(figures.value_units) <= 2000):  # they are the hours (the API)
        problems["value_units"] = _l("Enter the number of hours, from 0.5 to 2000.")
    if figures.value_eur is not None and figures.value_eur < 0:
        problems["value_eur"] = _l("Enter an amount of 0 or more.")
    return problems


def as_requested(exchange: Exchange, figures: Figures) -> Figures:
    """The account with what was requested where it says nothing (a service called without the form)."""
    return Figures(figures.outcome or AS_AGREED,
                   exchange.quantity if figures.quantity is None else figures.quantity,
                   exchange.hours if figures.hours is None else figures.hours,
                   figures.value_units, figures.value_eur, figures.comment or "")


def used_hours(exchange: Exchange, figures: Figures) -> Decimal | None:
    """The hours of an account: the units when the rate is per hour, else the hours given (or requested)."""
    if figures.outcome == NO_SHOW:
        return ZERO if needs_hours(exchange.resource) else None
    if exchange.resource.value_unit == "hour" and figures.value_units is not None:
        return Decimal(figures.value_units)
    if figures.hours is not None:
        return Decimal(figures.hours)
    return exchange.hours if needs_hours(exchange.resource) else None


# ---------------------------------------------------------------- recording and settling

def record(actor, exchange: Exchange, figures: Figures) -> ExchangeFeedback:
    """The actor's side's account (new, or replacing its earlier one), and the figures that count now."""
    row = db.session.scalar(select(ExchangeFeedback).where(
        ExchangeFeedback.exchange_id == exchange.id, ExchangeFeedback.org_id == actor.org_id))
    if row is None:
        row = ExchangeFeedback(exchange_id=exchange.id, org_id=actor.org_id, created_at=utcnow())
        db.session.add(row)
    no_show = figures.outcome == NO_SHOW
    row.given_by_id, row.outcome, row.comment, row.updated_at = actor.id, figures.outcome, figures.comment.strip(), utcnow()
    row.quantity = None if no_show else figures.quantity
    row.hours = used_hours(exchange, figures)
    row.value_units = ZERO if no_show else figures.value_units
    row.value_eur = ZERO if no_show else figures.value_eur
    db.session.flush()
    db.session.refresh(exchange, ["confirmations"])
    settle(exchange)
    return row


def _agree(a: ExchangeFeedback, b: ExchangeFeedback) -> bool:
    if a.no_show or b.no_show:
        return a.no_show and b.no_show
    return all(x is None or y is None or Decimal(x) == Decimal(y)
               for x, y in ((a.quantity, b.quantity), (a.hours, b.hours), (a.value_units, b.value_units),
                            (a.value_eur, b.value_eur)))


def _lower(x, y):
    if x is None or y is None:
        return y if x is None else x
    return min(x, y)


def settle(exchange: Exchange) -> None:
    """Writes the figures that count onto the exchange, from its sides' accounts (see the module's rule)."""
    rows = [c for c in (exchange.confirmation_of(exchange.owner_org_id),
                        exchange.confirmation_of(exchange.requester_org_id)) if c is not None]
    if not rows:
        return
    if len(rows) == 1:
        counted, state = rows[0], ONE_SIDE
        figures = (0 if counted.no_show else counted.quantity, counted.hours, counted.value_units, counted.value_eur)
    else:
        a, b = rows
        state = AGREED if _agree(a, b) else DISPUTED
        if a.no_show or b.no_show:
            figures = (0, ZERO if needs_hours(exchange.resource) else None, ZERO, ZERO)
        else:
            figures = tuple(_lower(x, y) for x, y in ((a.quantity, b.quantity), (a.hours, b.hours),
                                                      (a.value_units, b.value_units), (a.value_eur, b.value_eur)))
    exchange.used_quantity, exchange.used_hours, exchange.value_units, exchange.value_eur = figures
    exchange.feedback_state = state
    db.session.flush()


# ---------------------------------------------------------------- a side's confirmation

def check_feedback(actor, exchange: Exchange, figures: Figures, today: date) -> None:
    """Every problem of a side's confirmation of a completed exchange at once."""
    require(policy.can_confirm_exchange(actor, exchange))
    if exchange.state != COMPLETED:
        raise RuleViolation(_l("What happened is confirmed once the exchange is completed."))
    if exchange.feedback_state == RESOLVED:
        raise RuleViolation(_l("A network coordinator settled this exchange’s figures: they are final."))
    if not is_open(exchange, today):
        raise RuleViolation(_l("The figures are final (they could be confirmed or changed until %(day)s).",
                               day=format_day(open_until(exchange), "medium")))
    problems = figure_problems(exchange, figures)
    if problems:
        raise RuleViolation.of_fields(problems)


def give_feedback(actor, exchange: Exchange, figures: Figures, today: date | None = None) -> ExchangeFeedback:
    """The actor's side confirms (or changes its confirmation of) what happened; the other side is told, and
    whether the two accounts now agree. When they come to differ, an audit event `exchange.disputed` too (once
    per disagreement: a side changing its account while they still differ is `exchange.feedback` only; a
    dispute that was agreed in the meantime and differs again is a new one). Quantity and hours None: as
    requested."""
    if db.session.get_bind().dialect.name == "postgresql":  # the two sides at once (SQLite: one writer)
        db.session.execute(select(Exchange.id).where(Exchange.id == exchange.id).with_for_update())
    db.session.refresh(exchange)
    figures = as_requested(exchange, figures)
    check_feedback(actor, exchange, figures, today or local_today())
    was = exchange.feedback_state
    row = record(actor, exchange, figures)
    resolve(confirm_key(exchange, actor.org_id))
    audit("exchange.feedback", actor=actor, obj=exchange, happened=row.outcome, confirmation=exchange.feedback_state,
          value_eur=str(exchange.value_eur))
    if exchange.feedback_state == DISPUTED and was != DISPUTED:  # the two accounts have come to differ
        audit("exchange.disputed", actor=actor, obj=exchange, happened=row.outcome, confirmation=DISPUTED,
              value_eur=str(exchange.value_eur), parties=[exchange.owner_org_id, exchange.requester_org_id])
    tell_other_side(actor, exchange, "disputed" if exchange.feedback_state == DISPUTED else "feedback",
                    comment=row.comment, open_until=open_until(exchange), outcome_label=outcome_label)
    return row


def close_due(now: datetime | None = None) -> int:
    """The daily duty: a completion whose time for confirmations is over no longer waits for the other side
    (the last two months of closings, so that a missed run is caught up)."""
    end = (now or utcnow()) - timedelta(days=FEEDBACK_DAYS + 1)
    rows = db.session.execute(select(Exchange.id, Exchange.owner_org_id, Exchange.requester_org_id).where(
        Exchange.state == COMPLETED, Exchange.completed_at >= end - timedelta(days=60),
        Exchange.completed_at < end)).all()
    resolve(*(f"exchange:{id_}:confirm:{org_id}" for id_, *orgs in rows for org_id in orgs))
    return len(rows)
