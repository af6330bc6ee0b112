"""Writing and checking the audit chain."""
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from ..database import utcnow
from ..extensions import db
from ..origin import current_origin
from .models import AuditEvent

GENESIS = "0" * 64
log = logging.getLogger("portal.audit")


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(*_args):
    raise AuditLogIsAppendOnly("audit events are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(orm_execute_state):
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in orm_execute_state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit events are never changed or deleted")


def event_digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _hashed_fields(ev: AuditEvent) -> dict:
    return {
        "created_at": ev.created_at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": ev.actor_id,
        "org_id": ev.org_id,
        "action": ev.action,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "outcome": ev.outcome,
        "ip": ev.ip,
        "details": ev.details,
    }


def record(action: str, *, actor=None, org=None, obj=None, outcome: str = "ok", **details) -> AuditEvent:
    """Append one event to the chain (flushes; the caller's transaction commits it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Serialise writers so two events never claim the same predecessor.
        db.session.execute(text("SELECT pg_advisory_xact_lock(7001)"))
    prev_hash = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    ev = AuditEvent(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        org_id=getattr(org, "id", None) if org is not None else getattr(actor, "org_id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        outcome=outcome,
        ip=current_origin().ip,
        details=json.dumps(details, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=prev_hash,
    )
    ev.hash = event_digest(prev_hash, _hashed_fields(ev))
    db.session.add(ev)
    db.session.flush()
    # %r keeps CR/LF from user input from forging extra log lines.
    log.info("audit %r actor=%r org=%r outcome=%r", action, ev.actor_id, ev.org_id, outcome)
    return ev


@dataclass
class ChainCheck:
    events_checked: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainCheck:
    prev_hash = GENESIS
    count = 0
    for ev in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)):
        count += 1
        if ev.prev_hash != prev_hash or ev.hash != event_digest(prev_hash, _hashed_fields(ev)):
            return ChainCheck(count, ev.id)
        prev_hash = ev.hash
    return ChainCheck(count, None)
