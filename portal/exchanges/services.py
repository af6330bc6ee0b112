"""Exchange rules: the state machine, the capacity check, messages, conditions, calendar and ledger.

    requested → accepted | declined | withdrawn
    accepted  → completed | cancelled
"""
import secrets
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_skeleton
from flask_babel import get_locale, lazy_gettext as _l
from sqlalchemy import or_, select

from .. import policy
from ..audit.services import record
from ..dates import format_day, local_today
from ..database import StateConflict, compare_and_set, utcnow
from ..errors import RuleViolation, found, require
from ..extensions import db
from ..resources import choices as catalogue
from ..resources.models import Resource
from . import availability, confirmations
from .confirmations import Figures, needs_hours  # noqa: F401 (the request form asks it)
from .notices import answer_key, tell_other_side as _tell_other_side  # noqa: F401
from .models import (ACCEPTED, AS_AGREED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN,
                     CalendarFeed, ConditionRecord, Exchange, ExchangeMessage)

MAX_DAYS = 366


def _today(today: date | None) -> date:
    return today or local_today()


# ---------------------------------------------------------------- who may

def get_visible_exchange(user, exchange_id: int) -> Exchange:
    """The exchange, for the people of its two organizations; NotFound for anyone else."""
    exchange = db.session.get(Exchange, exchange_id)
    return found(exchange, exchange is not None and policy.is_exchange_party(user, exchange))


def get_condition_photo(exchange: Exchange, condition_id: int) -> ConditionRecord:
    """A condition record of this exchange that has a photo."""
    condition = db.session.get(ConditionRecord, condition_id)
    return found(condition, condition is not None and condition.exchange_id == exchange.id
                 and bool(condition.photo_sha256))


def _owner_side(actor, exchange: Exchange) -> bool:
    return policy.can_act_for(actor, exchange.owner_org)


def _requester_side(actor, exchange: Exchange) -> bool:
    return policy.can_act_for(actor, exchange.requester_org)


# ---------------------------------------------------------------- requesting

def check_request(actor, resource: Resource, *, starts_on: date | None, ends_on: date | None,
                  quantity: int | None, hours: Decimal | None, today: date | None = None) -> None:
    """Every problem of a request at once (RuleViolation.of_fields); None: a value the form already refused."""
    require(policy.can_request_exchange(actor, resource))
    problems = {}
    if starts_on is not None and starts_on < _today(today):
        problems["starts_on"] = _l("The period cannot start in the past.")
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            problems["ends_on"] = _l("The period must end on or after its first day.")
        elif (ends_on - starts_on).days >= MAX_DAYS:
            problems["ends_on"] = _l("A request can cover at most a year.")
    if quantity is not None and not 1 <= quantity <= resource.quantity:
        problems["quantity"] = _l("Ask for 1 to %(n)d.", n=resource.quantity)
    if needs_hours(resource) and not (hours and hours > 0):
        problems["hours"] = _l("Say how many hours you need.")
    if not problems and None not in (starts_on, ends_on, quantity):
        booked = _booked_days(resource, starts_on, ends_on, quantity)
        if booked:
            problems["starts_on"] = booked
    if problems:
        raise RuleViolation.of_fields(problems)


def request_exchange(actor, resource: Resource, *, starts_on: date, ends_on: date, quantity: int,
                     hours: Decimal | None, purpose: str, message: str, today: date | None = None) -> Exchange:
    check_request(actor, resource, starts_on=starts_on, ends_on=ends_on, quantity=quantity, hours=hours,
                  today=today)
    exchange = Exchange(
        resource=resource, owner_org_id=resource.org_id, requester_org_id=actor.org_id, requested_by_id=actor.id,
        starts_on=starts_on, ends_on=ends_on, quantity=quantity,
        hours=hours if needs_hours(resource) else None, purpose=purpose.strip(), state=REQUESTED,
    )
    db.session.add(exchange)
    db.session.flush()
    if message.strip():
        db.session.add(ExchangeMessage(exchange=exchange, author_id=actor.id, org_id=actor.org_id, body=message.strip()))
    record("exchange.requested", actor=actor, obj=exchange, resource_id=resource.id)
    _tell_other_side(actor, exchange, "requested", message=message.strip())
    return exchange


# ---------------------------------------------------------------- capacity

SHOWN_SHORT_DAYS = 8


def short_date(day: date) -> str:
    """"10. febr." / "10 Feb": a day of a period that the message names with its neighbours."""
    return format_skeleton("MMMd", day, locale=get_locale() or "lv")


def _booked_days(resource: Resource, starts_on: date, ends_on: date, quantity: int):
    """Why a request must be refused before the owner sees it: days on which accepted exchanges leave too
    little (None: enough is left)."""
    short = availability.short_days(resource, starts_on, ends_on, quantity)
    if not short:
        return None
    days = ", ".join(str(_l("%(day)s (%(left)d left)", day=short_date(day), left=left))
                     for day, left in short[:SHOWN_SHORT_DAYS])
    if len(short) > SHOWN_SHORT_DAYS:
        days += " …"
    return _l("Already booked: not enough is left on %(days)s. Choose other days or ask for less.", days=days)


def _lock_resource(resource_id: int) -> None:
    """Serialises decisions on one resource (SQLite already has one writer at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Resource.id).where(Resource.id == resource_id).with_for_update())


def capacity_clash(exchange: Exchange) -> tuple[date, int, list[Exchange]] | None:
    """The first day on which accepting this exchange would exceed the resource's quantity:
    (day, units already taken, the accepted exchanges taking them), or None."""
    resource = exchange.resource
    overlapping = db.session.scalars(
        select(Exchange).where(
            Exchange.resource_id == resource.id, Exchange.state == ACCEPTED, Exchange.id != exchange.id,
            Exchange.starts_on <= exchange.ends_on, Exchange.ends_on >= exchange.starts_on,
        ).order_by(Exchange.starts_on)
    ).all()
    taken = defaultdict(list)
    for other in overlapping:
        day = max(other.starts_on, exchange.starts_on)
        while day <= min(other.ends_on, exchange.ends_on):
            taken[day].append(other)
            day += timedelta(days=1)
    for day in sorted(taken):
        used = sum(o.quantity for o in taken[day])
        if used + exchange.quantity > resource.quantity:
            return day, used, taken[day]
    return None


def conflicting_requests(exchanges: list[Exchange]) -> set[int]:
    """The ids of the open requests for material resources that accepted exchanges now leave no room for:
    the owner sees them flagged before pressing accept."""
    return {e.id for e in exchanges if e.state == REQUESTED and e.resource.kind == catalogue.MATERIAL
            and capacity_clash(e) is not None}


def _transition(exchange: Exchange, expected, new_state: str, **values) -> None:
    try:
        compare_and_set(Exchange, exchange.id, expected, state=new_state, **values)
    except StateConflict:
        db.session.refresh(exchange)
        raise RuleViolation(_l("This exchange has just been changed by someone else: it is now “%(state)s”.",
                               state=state_label(exchange.state))) from None
    db.session.refresh(exchange)


# ---------------------------------------------------------------- decisions

def accept(actor, exchange: Exchange, today: date | None = None) -> None:
    require(_owner_side(actor, exchange))
    _lock_resource(exchange.resource_id)
    db.session.refresh(exchange)
    if exchange.state != REQUESTED:
        raise RuleViolation(_l("This exchange has just been changed by someone else: it is now “%(state)s”.",
                               state=state_label(exchange.state)))
    if exchange.resource.state != catalogue.ACTIVE:
        raise RuleViolation(_l("The resource is paused or archived; activate it before accepting."))
    if exchange.ends_on < _today(today):
        raise RuleViolation(_l("The requested period is over; decline the request instead."))
    if exchange.resource.kind == catalogue.MATERIAL:
        clash = capacity_clash(exchange)
        if clash:
            day, used, others = clash
            names = "; ".join(f"#{o.id} {o.requester_org.name} ({format_day(o.starts_on, 'medium')}–{format_day(o.ends_on, 'medium')}, "
                              f"{o.quantity})" for o in others)
            raise RuleViolation(_l(
                "Not enough left: on %(day)s %(used)d of %(total)d are already given to accepted exchanges "
                "(%(names)s), and this request asks for %(asked)d.",
                day=format_day(day, "medium"), used=used, total=exchange.resource.quantity, names=names,
                asked=exchange.quantity))
    _transition(exchange, REQUESTED, ACCEPTED, decided_at=utcnow(), decided_by_id=actor.id)
    record("exchange.accepted", actor=actor, obj=exchange)
    _tell_other_side(actor, exchange, "accepted")


def decline(actor, exchange: Exchange, reason: str) -> None:
    require(_owner_side(actor, exchange))
    if not reason.strip():
        raise RuleViolation(_l("Give a reason."), field="reason")
    _transition(exchange, REQUESTED, DECLINED, decided_at=utcnow(), decided_by_id=actor.id, reason=reason.strip())
    record("exchange.declined", actor=actor, obj=exchange, reason=reason.strip())
    _tell_other_side(actor, exchange, "declined")


def withdraw(actor, exchange: Exchange) -> None:
    require(_requester_side(actor, exchange))
    _transition(exchange, REQUESTED, WITHDRAWN, decided_at=utcnow(), decided_by_id=actor.id)
    record("exchange.withdrawn", actor=actor, obj=exchange)
    _tell_other_side(actor, exchange, "withdrawn")


def cancel(actor, exchange: Exchange, reason: str, today: date | None = None) -> None:
    require(_owner_side(actor, exchange) or _requester_side(actor, exchange))
    if not reason.strip():
        raise RuleViolation(_l("Give a reason."), field="reason")
    if _today(today) >= exchange.starts_on:
        raise RuleViolation(_l("An exchange can be cancelled only before it starts."))
    _transition(exchange, ACCEPTED, CANCELLED, reason=reason.strip())
    record("exchange.cancelled", actor=actor, obj=exchange, reason=reason.strip())
    _tell_other_side(actor, exchange, "cancelled")


def default_value(exchange: Exchange) -> tuple[Decimal | None, Decimal | None]:
    """(units, EUR) suggested at completion: hours, days or units × the resource's rate."""
    resource = exchange.resource
    units = {"hour": exchange.hours, "day": Decimal(exchange.days),
             "unit": Decimal(exchange.quantity)}.get(resource.value_unit)
    if units is None or resource.value_eur is None:
        return units, None
    return units, (units * resource.value_eur).quantize(Decimal("0.01"))


def check_completion(actor, exchange: Exchange, figures: Figures, today: date | None = None) -> None:
    """Every problem of a completion at once: the day first (it is not a field's), then the account."""
    require(policy.can_confirm_exchange(actor, exchange))
    if _today(today) < exchange.ends_on:
        raise RuleViolation(_l("An exchange can be completed on or after its last day (%(day)s).",
                               day=format_day(exchange.ends_on, "medium")))
    problems = confirmations.figure_problems(exchange, figures)
    if problems:
        raise RuleViolation.of_fields(problems)


def complete(actor, exchange: Exchange, *, value_units: Decimal | None, value_eur: Decimal | None,
             feedback: str = "", outcome: str = AS_AGREED, quantity: int | None = None,
             hours: Decimal | None = None, today: date | None = None) -> None:
    """Marks the exchange completed with the actor's side's account of it (quantity and hours None: as
    requested); the other side is asked to confirm it."""
    figures = confirmations.as_requested(exchange, Figures(outcome, quantity, hours, value_units, value_eur,
                                                           feedback.strip()))
    check_completion(actor, exchange, figures, today=today)
    _transition(exchange, ACCEPTED, COMPLETED, completed_at=utcnow(), completed_by_id=actor.id,
                value_units=value_units, value_eur=value_eur, feedback=figures.comment)
    confirmations.record(actor, exchange, figures)
    record("exchange.completed", actor=actor, obj=exchange, value_eur=str(exchange.value_eur),
           happened=figures.outcome)
    _tell_other_side(actor, exchange, "completed", comment=figures.comment,
                     open_until=confirmations.open_until(exchange), outcome_label=confirmations.outcome_label)


# ---------------------------------------------------------------- thread and conditions

def post_message(actor, exchange: Exchange, body: str) -> ExchangeMessage:
    require(_owner_side(actor, exchange) or _requester_side(actor, exchange))
    if not body.strip():
        raise RuleViolation(_l("Write a message."), field="body")
    message = ExchangeMessage(exchange=exchange, author_id=actor.id, org_id=actor.org_id, body=body.strip())
    db.session.add(message)
    db.session.flush()
    record("exchange.message", actor=actor, obj=exchange)
    _tell_other_side(actor, exchange, "message", message=message.body)
    return message


def record_condition(actor, exchange: Exchange, stage: str, note: str, photo: bytes | None = None) -> ConditionRecord:
    from ..resources.photos import process_upload

    require(_owner_side(actor, exchange) or _requester_side(actor, exchange))
    if exchange.resource.kind != catalogue.MATERIAL:
        raise RuleViolation(_l("Conditions are recorded for material resources only."))
    if exchange.state not in (ACCEPTED, COMPLETED):
        raise RuleViolation(_l("Conditions are recorded once the exchange is accepted."))
    if stage not in ("handover", "return"):
        raise RuleViolation(_l("Choose hand-over or return."), field="stage")
    if not note.strip():
        raise RuleViolation(_l("Describe the condition."), field="note")
    sha256 = process_upload(photo).sha256 if photo else ""
    condition = ConditionRecord(exchange=exchange, stage=stage, note=note.strip(), photo_sha256=sha256,
                                recorded_by_id=actor.id, org_id=actor.org_id)
    db.session.add(condition)
    db.session.flush()
    record("exchange.condition", actor=actor, obj=exchange, stage=stage)
    _tell_other_side(actor, exchange, "condition", note=condition.note, stage=condition.stage)
    return condition


# ---------------------------------------------------------------- lists, calendar, ledger

def for_org(org_id: int, direction: str) -> list[Exchange]:
    column = Exchange.owner_org_id if direction == "incoming" else Exchange.requester_org_id
    return db.session.scalars(select(Exchange).where(column == org_id).order_by(Exchange.id.desc())).all()


def calendar_entries(org_id: int) -> list[Exchange]:
    return db.session.scalars(
        select(Exchange).where(
            or_(Exchange.owner_org_id == org_id, Exchange.requester_org_id == org_id),
            Exchange.state.in_((ACCEPTED, COMPLETED)),
        ).order_by(Exchange.starts_on, Exchange.id)
    ).all()


def calendar_feed(org_id: int) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, org_id)


def feed_by_token(token: str) -> CalendarFeed:
    return found(db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token)))


def renew_calendar_feed(actor, org) -> CalendarFeed:
    """Creates the organization's secret feed address, or replaces it (the old one stops working)."""
    require(policy.can_act_for(actor, org))
    feed = db.session.get(CalendarFeed, org.id)
    if feed is None:
        feed = CalendarFeed(org_id=org.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
    else:
        feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    record("calendar.renewed", actor=actor, org=org)
    return feed


def ledger(org_id: int, start: date | None, end: date | None) -> list[Exchange]:
    query = select(Exchange).where(
        or_(Exchange.owner_org_id == org_id, Exchange.requester_org_id == org_id), Exchange.state == COMPLETED)
    if start:
        query = query.where(Exchange.ends_on >= start)
    if end:
        query = query.where(Exchange.ends_on <= end)
    return db.session.scalars(query.order_by(Exchange.ends_on, Exchange.id)).all()


def ledger_rows(org_id: int, start: date | None, end: date | None) -> tuple[list[dict], dict]:
    """The organization's completed exchanges in a period, each with its direction and the other side, and
    the totals given and received."""
    rows = [{"exchange": e, "gave": e.owner_org_id == org_id, "other": e.other_side(org_id)}
            for e in ledger(org_id, start, end)]
    totals = {
        "gave": sum((r["exchange"].value_eur or 0) for r in rows if r["gave"]),
        "received": sum((r["exchange"].value_eur or 0) for r in rows if not r["gave"]),
    }
    return rows, totals


STATE_LABELS = {
    REQUESTED: _l("Requested"), ACCEPTED: _l("Accepted"), DECLINED: _l("Declined"),
    WITHDRAWN: _l("Withdrawn"), COMPLETED: _l("Completed"), CANCELLED: _l("Cancelled"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
