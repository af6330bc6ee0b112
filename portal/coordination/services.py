"""What the coordinators' cross-domain pages read."""
import re
from dataclasses import dataclass
from datetime import datetime, time, timezone

from sqlalchemy import func, or_, select

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
AUDIT_EXPORT_LIMIT = 100_000
AUDIT_FILTERS = ("action", "outcome", "org", "actor", "from", "to")


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


def _small_int(value: str) -> int | None:
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value or "") else None


def _filtered_events(filters: dict):
    """Events newest first, filtered by action (its code, or a prefix such as "agreement."), outcome,
    organization, person (part of the name or e-mail, any case) and dates; anything unreadable is ignored."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"], autoescape=True))
    if filters["outcome"] in ("ok", "refused"):
        query = query.where(AuditEvent.outcome == filters["outcome"])
    if (org_id := _small_int(filters["org"])) is not None:
        query = query.where(AuditEvent.org_id == org_id)
    if filters["actor"]:
        typed = filters["actor"].strip()
        query = query.join(User, AuditEvent.actor_id == User.id).where(or_(
            User.email.contains(typed.lower(), autoescape=True),
            func.lower(User.name).contains(typed.lower(), autoescape=True), User.name.contains(typed, autoescape=True)))
    if (start := _day(filters["from"])) is not None:
        query = query.where(AuditEvent.created_at >= start)
    if (end := _day(filters["to"], end_of_day=True)) is not None:
        query = query.where(AuditEvent.created_at <= end)
    return query


def audit_page(filters: dict, page: int | str) -> AuditPage:
    """One page of the audit log (`filters` holds the strings typed)."""
    page = min(max(_small_int(str(page)) or 1, 1), 10**6)
    events = db.session.scalars(_filtered_events(filters).limit(AUDIT_PAGE_SIZE + 1)
                                .offset((page - 1) * AUDIT_PAGE_SIZE)).all()
    return AuditPage(
        events=events[:AUDIT_PAGE_SIZE], has_next=len(events) > AUDIT_PAGE_SIZE, page=page,
        actions=db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all(),
        orgs=sorted(db.session.scalars(select(Organization)).all(), key=lambda o: latvian_sort_key(o.name)),
        chain=(integrity := audit_integrity()).chain, integrity=integrity,
    )


def audit_export(filters: dict) -> list[AuditEvent]:
    """Every event the filters match, newest first, for the CSV (at most AUDIT_EXPORT_LIMIT)."""
    return db.session.scalars(_filtered_events(filters).limit(AUDIT_EXPORT_LIMIT)).all()


def certificate_overview() -> list[tuple[Organization, OrgCertificate | None]]:
    """Each organization that is or was a member, with its certificate in use, in Latvian order."""
    orgs = db.session.scalars(select(Organization).where(Organization.state.in_((ACTIVE, SUSPENDED)))).all()
    current = {row.org_id: row for row in db.session.scalars(
        select(OrgCertificate).where(OrgCertificate.retired_at.is_(None)))}
    return [(org, current.get(org.id)) for org in sorted(orgs, key=lambda o: latvian_sort_key(o.name))]
