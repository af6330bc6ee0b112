"""An exchange's steps as both sides can follow them, read from its audit events (messages are in the thread)."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.models import AuditEvent
from ..extensions import db
from .models import Exchange

STEP_LABELS = {
    "exchange.requested": _l("requested"),
    "exchange.accepted": _l("accepted"),
    "exchange.declined": _l("declined"),
    "exchange.withdrawn": _l("withdrawn"),
    "exchange.cancelled": _l("cancelled"),
    "exchange.condition": _l("condition recorded"),
    "exchange.completed": _l("completed"),
    "exchange.feedback": _l("confirmed what happened"),
    "exchange.disputed": _l("the two sides’ accounts differ"),
    "exchange.resolved": _l("settled by a coordinator"),
}


@dataclass
class Step:
    action: str
    label: str
    at: datetime
    who: str
    org: str


def steps(exchange: Exchange) -> list[Step]:
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Exchange", AuditEvent.object_id == exchange.id,
        AuditEvent.action.in_(tuple(STEP_LABELS)), AuditEvent.outcome == "ok").order_by(AuditEvent.id)).all()
    return [Step(e.action.split(".", 1)[1], str(STEP_LABELS[e.action]), e.created_at,
                 e.actor.name if e.actor else "", e.org.name if e.org else "") for e in events]
