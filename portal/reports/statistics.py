"""The network by the numbers, for coordinators: members, catalogue, exchanges and agreements in a period.

A completed exchange counts in the period of its last day (`ends_on`), as in the ledger; a published resource
or need in the period of its `created_at`; a request in the period it was made. Members, agreements and the
"never requested / never answered / no activity" lists are as of today (or the period's end for activity).
Every figure is one grouped query; nothing loads rows one by one.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import and_, exists, func, select, union
from sqlalchemy.orm import selectinload

from ..agreements.models import IN_FORCE, Agreement
from ..audit.models import AuditEvent
from ..exchanges.models import ACCEPTED, AGREED, COMPLETED, DISPUTED, ONE_SIDE, RESOLVED, Exchange, ExchangeFeedback
from ..extensions import db
from ..orgs.models import ACTIVE, LEFT, SUSPENDED, Organization
from ..resources.choices import ACTIVE as ENTRY_ACTIVE
from ..resources.models import Need, Resource
from . import rollups
from .periods import Period

INACTIVE_MONTHS = 6
EXPIRING_DAYS = 60
REVIEW_DAYS = 30
LIST_LIMIT = 20
TOP_ORGS = 10
ZERO = Decimal("0")


@dataclass(frozen=True)
class OrgRef:
    id: int
    name: str
    municipality: str  # the code: labels are translated when shown


@dataclass(frozen=True)
class EntryRef:
    id: int
    title: str
    org_name: str
    created_at: datetime


@dataclass(frozen=True)
class SideRef:
    org_name: str
    outcome: str  # the code: labels are translated when shown
    quantity: int | None
    hours: Decimal | None
    value_eur: Decimal | None


@dataclass(frozen=True)
class DisputeRef:
    """A disputed exchange as coordinators see it: the two accounts and the figures counted (no comments: they
    are between the sides)."""
    id: int
    resource_title: str
    owner_name: str
    requester_name: str
    starts_on: date
    ends_on: date
    sides: tuple  # (SideRef, ...)
    value_eur: Decimal | None
    quantity: int | None
    hours: Decimal | None


def _org_ref(org) -> OrgRef:
    return OrgRef(org.id, org.name, org.municipality)


def _entry_ref(entry) -> EntryRef:
    return EntryRef(entry.id, entry.title, entry.org.name, entry.created_at)


@dataclass
class Headline:
    """Figures that can be set against the previous period."""
    new_members: int = 0
    resources_published: int = 0
    needs_published: int = 0
    requests: int = 0
    completed: int = 0
    value_eur: Decimal = ZERO
    by_state: dict = field(default_factory=dict)  # state -> requests made in the period, by their state now


@dataclass
class Statistics:
    period: Period
    headline: Headline
    previous: Headline | None
    members: dict            # active, suspended, left: today
    by_month: list           # [(date of the month's 1st, completed, value)]
    by_municipality: list    # [(municipality code, completed, value)]
    by_category: list        # [(category code, completed, value)]
    by_org: list             # [(OrgRef, given, value given, received)]
    inactive_orgs: list      # [OrgRef], at most LIST_LIMIT
    inactive_count: int
    never_requested: list    # [EntryRef]
    never_requested_count: int
    never_answered: list     # [EntryRef]
    never_answered_count: int
    agreements: dict         # in_force, expiring, to_review
    confirmations: dict      # one_side, agreed, disputed, resolved: completed exchanges of the period by their confirmation
    disputed: list           # [DisputeRef], at most LIST_LIMIT
    disputed_count: int
    drawn: dict = field(default_factory=dict)  # language -> the charts drawn from these figures (kept with them)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _in(column, period: Period, is_datetime: bool):
    """`column` falls within `period` (datetimes from the first day's midnight to the next day after the last)."""
    conditions = []
    if period.start is not None:
        conditions.append(column >= (_moment(period.start) if is_datetime else period.start))
    if period.end is not None:
        end = period.end + timedelta(days=1)
        conditions.append(column < _moment(end) if is_datetime else column <= period.end)
    return and_(True, *conditions)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _month_buckets(period: Period, span) -> list[str]:
    if period.start is not None:
        return rollups.months_between(period.start, period.end)
    return rollups.months_between(*span) if span else []


def headline(period: Period, months: rollups.Totals) -> Headline:
    """`months`: the month rollups of the period (portal/reports/rollups.py)."""
    figures = Headline()
    figures.new_members = _count(Organization, Organization.state.in_((ACTIVE, SUSPENDED, LEFT)),
                                 Organization.decided_at.is_not(None), _in(Organization.decided_at, period, True))
    figures.resources_published = _count(Resource, _in(Resource.created_at, period, True))
    figures.needs_published = _count(Need, _in(Need.created_at, period, True))
    figures.by_state = {state: n for state, (n, _) in months.summed(rollups.REQUESTS).items() if n}
    figures.requests = sum(figures.by_state.values())
    figures.completed, figures.value_eur = months.summed(rollups.COMPLETED_ALL).get("", (0, ZERO))
    return figures


def by_month(months: rollups.Totals) -> list:
    return [(rollups.bucket_start(bucket), n, value) for bucket, (n, value) in sorted(months.per_bucket.items())
            if n]


def by_resource_field(months: rollups.Totals, dimension: str) -> list:
    rows = months.summed(dimension).items()
    return sorted(((code, n, value) for code, (n, value) in rows if n), key=lambda row: (-row[1], row[0]))


def by_org(period: Period) -> list:
    """The organizations that gave most (by completed exchanges), with what they gave and received: one grouped
    query over the period's completions, read from an index alone (`ix_exchanges_period` for a period,
    `ix_exchanges_owner_state` for all time, in the givers' order), then the received counts of those few."""
    done = (Exchange.state == COMPLETED, _in(Exchange.ends_on, period, False))
    given = func.count()
    top = db.session.execute(
        select(Exchange.owner_org_id, given, func.coalesce(func.sum(Exchange.value_eur), 0)).where(*done)
        .group_by(Exchange.owner_org_id).order_by(given.desc(), Exchange.owner_org_id).limit(TOP_ORGS)).all()
    if not top:
        return []
    ids = [org_id for org_id, _n, _v in top]
    received = dict(db.session.execute(select(Exchange.requester_org_id, func.count())
                                       .where(*done, Exchange.requester_org_id.in_(ids))
                                       .group_by(Exchange.requester_org_id)).all())
    orgs = {org.id: org for org in db.session.scalars(select(Organization).where(Organization.id.in_(ids)))}
    return [(_org_ref(orgs[org_id]), n, Decimal(v), received.get(org_id, 0)) for org_id, n, v in top]


def _listed(model, ids_in_order: list[int], *options) -> list:
    """The first LIST_LIMIT of `ids_in_order`, loaded in that order."""
    first = ids_in_order[:LIST_LIMIT]
    loaded = {row.id: row for row in db.session.scalars(select(model).options(*options).where(model.id.in_(first)))}
    return [loaded[i] for i in first]


def inactive_orgs(until: date) -> tuple[list, int]:
    """Active members with no request, exchange, offer or need (either side) in the INACTIVE_MONTHS before `until`."""
    since = _moment(until - timedelta(days=INACTIVE_MONTHS * 30))
    end = _moment(until + timedelta(days=1))
    # One range of one index per branch: an OR of two columns' ranges would read every exchange.
    active_ids = union(*(select(org).where(moment >= since, moment < end) for org, moment in (
        (Exchange.owner_org_id, Exchange.created_at), (Exchange.owner_org_id, Exchange.completed_at),
        (Exchange.requester_org_id, Exchange.created_at), (Exchange.requester_org_id, Exchange.completed_at),
        (Resource.org_id, Resource.created_at), (Need.org_id, Need.created_at)))).subquery()
    ids = db.session.scalars(select(Organization.id).where(
        Organization.state == ACTIVE, Organization.id.not_in(select(active_ids.c[0])))
        .order_by(Organization.name, Organization.id)).all()
    return [_org_ref(org) for org in _listed(Organization, ids)], len(ids)


def never_requested() -> tuple[list, int]:
    """Active resources nobody has ever asked for (Lend Engine's "never lent")."""
    ids = db.session.scalars(select(Resource.id).where(
        Resource.state == ENTRY_ACTIVE, ~exists().where(Exchange.resource_id == Resource.id))
        .order_by(Resource.created_at, Resource.id)).all()
    return [_entry_ref(r) for r in _listed(Resource, ids, selectinload(Resource.org))], len(ids)


def never_answered() -> tuple[list, int]:
    """Active needs after whose publication their organization got no resource of the need's category (an
    accepted or completed exchange); a need has no direct link to the offers that answer it."""
    # Each need's own requests from an index, their resource's category looked up one by one: PostgreSQL would
    # otherwise hash every accepted exchange (OFFSET 0 keeps the subquery a per-need plan there).
    category = select(Resource.category).where(Resource.id == Exchange.resource_id).scalar_subquery()
    answered = select(Exchange.id).where(
        Exchange.requester_org_id == Need.org_id, Exchange.state.in_((ACCEPTED, COMPLETED)),
        Exchange.created_at >= Need.created_at, category == Need.category).offset(0).exists()
    ids = db.session.scalars(select(Need.id).where(Need.state == ENTRY_ACTIVE, ~answered)
                             .order_by(Need.created_at, Need.id)).all()
    return [_entry_ref(n) for n in _listed(Need, ids, selectinload(Need.org))], len(ids)


def confirmation_figures(months: rollups.Totals) -> dict:
    counts = months.summed(rollups.FEEDBACK)
    return {state: counts.get(state, (0, ZERO))[0] for state in (AGREED, ONE_SIDE, DISPUTED, RESOLVED)}


def disputed(period: Period) -> tuple[list, int]:
    """The completed exchanges of the period whose sides' accounts differ, the oldest first."""
    where = (Exchange.state == COMPLETED, Exchange.feedback_state == DISPUTED, _in(Exchange.ends_on, period, False))
    rows = db.session.scalars(select(Exchange).options(
        selectinload(Exchange.confirmations).selectinload(ExchangeFeedback.org), selectinload(Exchange.resource),
        selectinload(Exchange.owner_org), selectinload(Exchange.requester_org))
        .where(*where).order_by(Exchange.ends_on, Exchange.id).limit(LIST_LIMIT)).all()
    refs = []
    for e in rows:
        sides = tuple(SideRef(c.org.name, c.outcome, c.quantity, c.hours, c.value_eur)
                      for c in (e.confirmation_of(e.owner_org_id), e.confirmation_of(e.requester_org_id)) if c)
        refs.append(DisputeRef(e.id, e.resource.title, e.owner_org.name, e.requester_org.name, e.starts_on, e.ends_on,
                               sides, e.value_eur, e.used_quantity, e.used_hours))
    return refs, _count(Exchange, *where)


def agreement_figures(today: date) -> dict:
    in_force = Agreement.state == IN_FORCE
    return {
        "in_force": _count(Agreement, in_force),
        "expiring": _count(Agreement, in_force, Agreement.valid_to.is_not(None),
                           Agreement.valid_to <= today + timedelta(days=EXPIRING_DAYS)),
        "to_review": _count(Agreement, in_force, Agreement.review_on.is_not(None),
                            Agreement.review_on <= today + timedelta(days=REVIEW_DAYS)),
    }


def member_figures() -> dict:
    counts = dict(db.session.execute(select(Organization.state, func.count()).group_by(Organization.state)).all())
    return {state: counts.get(state, 0) for state in (ACTIVE, SUSPENDED, LEFT)}


_cache: dict = {}
CACHE_SIZE = 64


def network_statistics(period: Period, today: date) -> Statistics:
    """The figures, computed once per change of the network: every change the figures depend on (a request,
    a decision, a completion, a publication, a membership or agreement step) appends an audit event, so the
    newest event's id and hash say whether what was computed before still holds. Plain data only is kept."""
    newest = db.session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    key = (period, today, tuple(newest) if newest else None)
    if key not in _cache:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = compute_network_statistics(period, today)
    return _cache[key]


def compute_network_statistics(period: Period, today: date) -> Statistics:
    previous = period.previous()
    until = min(period.end, today) if period.end else today
    span = rollups.data_span() if period.start is None else None
    buckets = _month_buckets(period, span)
    earlier = _month_buckets(previous, None) if previous else []
    these = rollups.rollups(buckets)
    inactive, inactive_count = inactive_orgs(until)
    unrequested, unrequested_count = never_requested()
    unanswered, unanswered_count = never_answered()
    disputes, disputed_count = disputed(period)
    return Statistics(
        period=period, headline=headline(period, these),
        previous=headline(previous, rollups.rollups(earlier)) if previous else None,
        members=member_figures(), by_month=by_month(these),
        by_municipality=by_resource_field(these, rollups.MUNICIPALITY),
        by_category=by_resource_field(these, rollups.CATEGORY), by_org=by_org(period),
        inactive_orgs=inactive, inactive_count=inactive_count,
        never_requested=unrequested, never_requested_count=unrequested_count,
        never_answered=unanswered, never_answered_count=unanswered_count,
        agreements=agreement_figures(today), confirmations=confirmation_figures(these), disputed=disputes,
        disputed_count=disputed_count,
    )
