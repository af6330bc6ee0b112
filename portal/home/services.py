"""What waits for each person on their home page, what is coming, and a new organization's first steps.

Queries only: each function takes who is looking and answers for that person's organization (or, for a
coordinator, the network); nothing of another organization's private items is ever counted for them.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from .. import policy
from ..accounts.models import User
from ..agreements.models import (APPROVED, DRAFT, IN_FORCE, NETWORK, RETURNED, SUBMITTED, Agreement,
                                 AgreementParty)
from ..certificates.models import OrgCertificate
from ..dates import local_today
from ..exchanges.models import ACCEPTED, COMPLETED, DISPUTED, REQUESTED, Exchange
from ..extensions import db
from ..notifications.models import Notification
from ..orgs.models import ACTIVE as ORG_ACTIVE, APPLIED, SUSPENDED, Organization
from ..resources import choices as catalogue
from ..resources.models import Need, Resource
from ..resources.services import related_entries

CERTIFICATE_WARNING_DAYS = 30


@dataclass
class Waiting:
    """One kind of thing that waits for the person: what it is, how many, and where to do it."""

    key: str
    label: str
    count: int
    link: str
    items: list = field(default_factory=list)  # (text, link) of the first few


def _agreement_link(agreement: Agreement) -> str:
    return f"/agreements/{agreement.id}"


def agreement_item(agreement: Agreement) -> tuple[str, str]:
    """The title and the parties, so that two cooperation agreements can be told apart in a list."""
    names = [party.org.name for party in agreement.parties]
    if all(name in agreement.title for name in names):  # a title made from the parties' names says it already
        return agreement.title, _agreement_link(agreement)
    return f"{agreement.title}: {' – '.join(names)}", _agreement_link(agreement)


# ---------------------------------------------------------------- coordinator

# Where all the disputes are: the statistics' list of them, over all time (the home counts every dispute, not
# only this year's); the dispute page's own way back leads there too.
DISPUTES_LINK = "/coordination/statistics?period=all#confirmations"


def disputes_to_settle() -> list[Exchange]:
    """Completed exchanges whose sides' accounts differ and that no coordinator has settled yet, in the
    statistics' order (the oldest exchange first)."""
    return db.session.scalars(select(Exchange).where(Exchange.state == COMPLETED, Exchange.feedback_state == DISPUTED)
                              .order_by(Exchange.ends_on, Exchange.id)).all()


def dispute_item(exchange: Exchange) -> tuple[str, str]:
    """The exchange's number and resource and its two organizations (lender first), as the statistics name it
    (a dot between, as in the exchanges' items: a resource's title may have a colon of its own)."""
    return (f"#{exchange.id} {exchange.resource.title} · {exchange.owner_org.name} – {exchange.requester_org.name}",
            f"/coordination/disputes/{exchange.id}")


def coordinator_waiting(user, now: datetime | None = None) -> list[Waiting]:
    """Applications to decide, agreements to approve, disputes to settle, certificates about to expire,
    suspended organizations."""
    if not policy.is_coordinator(user):
        return []
    now = now or datetime.now(timezone.utc)
    applications = db.session.scalars(select(Organization).where(Organization.state == APPLIED)
                                      .order_by(Organization.applied_at)).all()
    queue = db.session.scalars(select(Agreement).where(Agreement.state == SUBMITTED)
                               .order_by(Agreement.submitted_at, Agreement.id)).all()
    expiring = db.session.scalars(
        select(OrgCertificate).join(Organization, Organization.id == OrgCertificate.org_id).where(
            OrgCertificate.retired_at.is_(None), Organization.state == ORG_ACTIVE,
            OrgCertificate.not_after <= now + timedelta(days=CERTIFICATE_WARNING_DAYS))
        .order_by(OrgCertificate.not_after)).all()
    suspended = db.session.scalars(select(Organization).where(Organization.state == SUSPENDED)
                                   .order_by(Organization.name)).all()
    disputes = disputes_to_settle()
    return [
        Waiting("applications", _l("Membership applications"), len(applications), "/coordination/applications",
                [(org.name, f"/coordination/applications/{org.id}") for org in applications[:3]]),
        Waiting("approvals", _l("Agreements to approve"), len(queue), "/agreements/queue",
                [agreement_item(a) for a in queue[:3]]),
        Waiting("disputes", _l("Disputed exchanges to settle"), len(disputes), DISPUTES_LINK,
                [dispute_item(e) for e in disputes[:3]]),
        Waiting("certificates", _l("Signing certificates about to expire"), len(expiring),
                "/coordination/certificates", [(c.org.name, "/coordination/certificates") for c in expiring[:3]]),
        Waiting("suspended", _l("Suspended organizations"), len(suspended), "/orgs",
                [(org.name, f"/orgs/{org.id}") for org in suspended[:3]]),
    ]


def _month_start(today: date) -> datetime:
    return datetime.combine(today.replace(day=1), time.min, tzinfo=timezone.utc)


def network_figures(today: date | None = None) -> dict:
    """This month in the network: new members, exchanges completed, the in-kind value they shared."""
    since = _month_start(today or local_today())
    completed = select(Exchange).where(Exchange.state == COMPLETED, Exchange.completed_at >= since).subquery()
    return {
        "new_members": db.session.scalar(select(func.count()).select_from(Organization).where(
            Organization.state == ORG_ACTIVE, Organization.decided_at >= since)),
        "exchanges_completed": db.session.scalar(select(func.count()).select_from(completed)),
        "value_shared": db.session.scalar(select(func.coalesce(func.sum(completed.c.value_eur), 0)))
        or Decimal("0"),
    }


# ---------------------------------------------------------------- representative

def agreements_to_sign(user) -> list[Agreement]:
    """Agreements being signed where the user's party has not signed yet (and the user may)."""
    candidates = db.session.scalars(
        select(Agreement).join(AgreementParty).where(
            AgreementParty.org_id == user.org_id, Agreement.state == APPROVED,
            Agreement.certified_at.is_not(None)).order_by(Agreement.approved_at)).all()
    return [a for a in candidates if policy.can_upload_signature(user, a)]


def agreements_to_comment(user) -> list[Agreement]:
    """Drafts of another organization in which the user's organization is a party: read and comment."""
    return db.session.scalars(
        select(Agreement).join(AgreementParty).where(
            AgreementParty.org_id == user.org_id, Agreement.state.in_((DRAFT, RETURNED)),
            Agreement.drafting_org_id != user.org_id).order_by(Agreement.id.desc())).all()


def drafts_to_finish(user) -> list[Agreement]:
    """Our own drafts, and those a coordinator returned for changes."""
    return db.session.scalars(
        select(Agreement).where(Agreement.drafting_org_id == user.org_id, Agreement.state.in_((DRAFT, RETURNED)))
        .order_by(Agreement.id.desc())).all()


def incoming_requests(org_id: int) -> list[Exchange]:
    return db.session.scalars(select(Exchange).where(Exchange.owner_org_id == org_id, Exchange.state == REQUESTED)
                              .order_by(Exchange.starts_on, Exchange.id)).all()


def exchange_item(exchange: Exchange, org_id: int) -> tuple[str, str]:
    return f"{exchange.resource.title} · {exchange.other_side(org_id).name}", f"/exchanges/{exchange.id}"


def representative_waiting(user) -> list[Waiting]:
    if not policy.can_draft_agreement(user):
        return []
    sign, comment, drafts = agreements_to_sign(user), agreements_to_comment(user), drafts_to_finish(user)
    requests = incoming_requests(user.org_id)
    return [
        Waiting("sign", _l("Agreements to sign"), len(sign), "/agreements",
                [agreement_item(a) for a in sign[:3]]),
        Waiting("comment", _l("Drafts to read and comment on"), len(comment), "/agreements",
                [agreement_item(a) for a in comment[:3]]),
        Waiting("drafts", _l("Our drafts to finish and submit"), len(drafts), "/agreements",
                [agreement_item(a) for a in drafts[:3]]),
        Waiting("requests", _l("Exchange requests to answer"), len(requests), "/exchanges",
                [exchange_item(e, user.org_id) for e in requests[:3]]),
    ]


def needs_with_new_offers(user, since: datetime | None = None) -> list[tuple[Need, list]]:
    """Our open needs, each with the offers that match it and were published after it (and after `since`:
    the weekly mail's "new since the last one")."""
    needs = db.session.scalars(select(Need).where(Need.org_id == user.org_id, Need.state == catalogue.ACTIVE)
                               .order_by(Need.id.desc()).limit(10)).all()
    result = []
    for need in needs:
        after = max(need.created_at, since) if since else need.created_at
        offers = [o for o in related_entries(need, viewer=user) if o.created_at and o.created_at > after]
        if offers:
            result.append((need, offers[:3]))
    return result


# ---------------------------------------------------------------- everyone of an organization

def starting_soon(org_id: int, today: date | None = None, days: int = 7) -> list[Exchange]:
    """Accepted exchanges of ours (either side) that start in the coming week."""
    today = today or local_today()
    return db.session.scalars(select(Exchange).where(
        or_(Exchange.owner_org_id == org_id, Exchange.requester_org_id == org_id), Exchange.state == ACCEPTED,
        Exchange.starts_on >= today, Exchange.starts_on < today + timedelta(days=days))
        .order_by(Exchange.starts_on, Exchange.id)).all()


def exchanges_during(org_id: int, today: date, days: int = 7, *, lent_only: bool = False) -> list[Exchange]:
    """Accepted exchanges of ours (either side, or only what we lend) on some day of the next `days`."""
    side = Exchange.owner_org_id == org_id if lent_only else or_(
        Exchange.owner_org_id == org_id, Exchange.requester_org_id == org_id)
    return db.session.scalars(select(Exchange).where(
        side, Exchange.state == ACCEPTED,
        Exchange.starts_on < today + timedelta(days=days), Exchange.ends_on >= today)
        .order_by(Exchange.starts_on, Exchange.id)).all()


def lent_this_week(org_id: int, today: date | None = None) -> list[Exchange]:
    """What our organization lends (accepted exchanges of our resources) on some day of the coming week."""
    return exchanges_during(org_id, today or local_today(), lent_only=True)


def our_requests(org_id: int, limit: int = 5) -> list[Exchange]:
    """Our latest requests to other organizations and what became of them."""
    return db.session.scalars(select(Exchange).where(Exchange.requester_org_id == org_id)
                              .order_by(Exchange.id.desc()).limit(limit)).all()


def unread_messages(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        Notification.kind.in_(("exchange_message", "agreement_comment"))))


# ---------------------------------------------------------------- first steps

@dataclass
class Step:
    key: str
    label: str
    done: bool
    link: str


def onboarding(org: Organization) -> list[Step]:
    """A new organization's first steps; each ticks itself when it is done."""
    people = db.session.scalar(select(func.count()).select_from(User).where(
        User.org_id == org.id, User.removed_at.is_(None)))
    resources = db.session.scalar(select(func.count()).select_from(Resource).where(Resource.org_id == org.id))
    needs = db.session.scalar(select(func.count()).select_from(Need).where(Need.org_id == org.id))
    joined = db.session.scalar(select(func.count()).select_from(Agreement).join(AgreementParty).where(
        AgreementParty.org_id == org.id, Agreement.kind == NETWORK,
        Agreement.state.in_((SUBMITTED, APPROVED, IN_FORCE))))
    profile_done = bool(org.description.strip() and (org.phone.strip() or org.website.strip()))
    return [
        Step("profile", _l("Complete the profile (description, phone or website)"), profile_done,
             f"/orgs/{org.id}/edit"),
        Step("colleague", _l("Invite a colleague"), people > 1, f"/orgs/{org.id}/people"),
        Step("resource", _l("Publish a first resource"), resources > 0, "/resources/new"),
        Step("need", _l("Post a need"), needs > 0, "/needs/new"),
        Step("network", _l("Join the network agreement (an accession)"), joined > 0, "/agreements/new?kind=accession"),
    ]
