"""What the coordinators' cross-domain pages read."""
from dataclasses import dataclass
from datetime import datetime, time, timezone

from sqlalchemy import select

from ..accounts.models import User
from ..audit.models import AuditEvent
from ..audit.checkpoints import CheckpointCheck, newest_checkpoint, verify_checkpoints
from ..audit.models import AuditCheckpoint
from ..audit.services import ChainCheck, verify_chain
from ..certificates.services import network_verifiers
from ..certificates.models import OrgCertificate
from ..extensions import db
from ..orgs.models import ACTIVE, SUSPENDED, Organization
from ..text import latvian_sort_key

AUDIT_PAGE_SIZE = 50
AUDIT_FILTERS = ("action", "org", "actor", "from", "to")


@dataclass
class AuditIntegrity:
    chain: ChainCheck
    checkpoints: CheckpointCheck
    newest: AuditCheckpoint | None

    @property
    def intact(self) -> bool:
        return self.chain.intact and self.checkpoints.intact


def audit_integrity() -> AuditIntegrity:
    """The hash chain, and the chain against every signed checkpoint (truncation and rewriting show)."""
    return AuditIntegrity(verify_chain(), verify_checkpoints(network_verifiers()), newest_checkpoint())


@dataclass
class AuditPage:
    events: list[AuditEvent]
    has_next: bool
    page: int
    actions: list[str]
    orgs: list[Organization]
    chain: ChainCheck
    integrity: AuditIntegrity


def _day(value: str, end_of_day: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=timezone.utc)


def audit_page(filters: dict, page: int) -> AuditPage:
    """One page of the audit log, newest first, filtered by action prefix, organization, person (e-mail) and
    dates (`filters` holds the strings typed; anything unreadable is ignored)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["org"].isdigit():
        query = query.where(AuditEvent.org_id == int(filters["org"]))
    if filters["actor"]:
        query = query.join(User, AuditEvent.actor_id == User.id).where(User.email.contains(filters["actor"].lower()))
    if (start := _day(filters["from"])) is not None:
        query = query.where(AuditEvent.created_at >= start)
    if (end := _day(filters["to"], end_of_day=True)) is not None:
        query = query.where(AuditEvent.created_at <= end)
    page = max(page, 1)
    events = db.session.scalars(query.limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)).all()
    return AuditPage(
        events=events[:AUDIT_PAGE_SIZE], has_next=len(events) > AUDIT_PAGE_SIZE, page=page,
        actions=db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all(),
        orgs=db.session.scalars(select(Organization).order_by(Organization.name)).all(),
        chain=(integrity := audit_integrity()).chain, integrity=integrity,
    )


def certificate_overview() -> list[tuple[Organization, OrgCertificate | None]]:
    """Each organization that is or was a member, with its certificate in use, in Latvian order."""
    orgs = db.session.scalars(select(Organization).where(Organization.state.in_((ACTIVE, SUSPENDED)))).all()
    current = {row.org_id: row for row in db.session.scalars(
        select(OrgCertificate).where(OrgCertificate.retired_at.is_(None)))}
    return [(org, current.get(org.id)) for org in sorted(orgs, key=lambda o: latvian_sort_key(o.name))]
