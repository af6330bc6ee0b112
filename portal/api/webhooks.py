"""Webhooks: an organization's representatives register addresses; its exchanges and agreements are told.

The events are the audit log's: when a service records `exchange.accepted` (or another of EVENTS) for an
exchange or agreement, each live webhook of the organizations concerned that asked for it gets a delivery
with the object as the API shows it (an exchange with its `feedback`: each side's account, the state, the
figures counted, a coordinator's settlement). So nothing is decided here that the services did not already
decide, and a refused action (rolled back) sends nothing. Delivery is a job (portal.api.delivery).
"""
import json
import secrets
import uuid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .. import policy
from ..audit.models import AuditEvent
from ..audit.services import record
from ..database import utcnow
from ..errors import RuleViolation, found, require
from ..extensions import db
from ..jobs.queue import defer
from . import addresses
from .models import Webhook, WebhookDelivery

EVENTS = (
    ("exchange.requested", _l("Exchange requested")), ("exchange.accepted", _l("Exchange accepted")),
    ("exchange.declined", _l("Exchange declined")), ("exchange.completed", _l("Exchange completed")),
    ("exchange.disputed", _l("Exchange disputed (the two sides’ accounts differ)")),
    ("exchange.resolved", _l("Disputed exchange settled by a coordinator")),
    ("agreement.submitted", _l("Agreement submitted")), ("agreement.approved", _l("Agreement approved")),
    ("agreement.signed", _l("Agreement signed")), ("agreement.in_force", _l("Agreement in force")),
)
EVENT_NAMES = tuple(name for name, _label in EVENTS)
TEST_EVENT = "test"
MAX_WEBHOOKS = 10
_CAPTURED = "portal.webhook_events"


def webhooks_of(org) -> list[Webhook]:
    return db.session.scalars(select(Webhook).where(Webhook.org_id == org.id, Webhook.removed_at.is_(None))
                              .order_by(Webhook.id)).all()


def get_webhook(actor, org, webhook_id: int) -> Webhook:
    hook = db.session.get(Webhook, webhook_id)
    found(hook, hook is not None and hook.org_id == org.id and hook.removed_at is None)
    require(policy.can_manage_webhooks(actor, org))
    return hook


def register_webhook(actor, org, *, url: str, events: list[str]) -> Webhook:
    """A new webhook with a new secret (returned on it: shown once)."""
    require(policy.can_manage_webhooks(actor, org))
    problems = {}
    url = (url or "").strip()
    url_problem = addresses.problem_with(url, allow_loopback=current_app.config["WEBHOOK_ALLOW_LOOPBACK"])
    if url_problem:
        problems["url"] = url_problem
    chosen = [name for name in EVENT_NAMES if name in set(events or ())]
    if not chosen or len(chosen) != len(set(events or ())):
        problems["events"] = _l("Choose at least one event.")
    if problems:
        raise RuleViolation.of_fields(problems)
    if len(webhooks_of(org)) >= MAX_WEBHOOKS:
        raise RuleViolation(_l("An organization can have at most %(n)d webhooks.", n=MAX_WEBHOOKS), field="url")
    hook = Webhook(org_id=org.id, url=url, events=",".join(chosen), secret="whsec_" + secrets.token_urlsafe(32),
                   created_by_id=actor.id)
    db.session.add(hook)
    db.session.flush()
    record("webhook.registered", actor=actor, org=org, obj=hook, url=urlsplit(url).netloc)
    return hook


def remove_webhook(actor, org, webhook_id: int) -> None:
    hook = get_webhook(actor, org, webhook_id)
    hook.removed_at = utcnow()
    db.session.flush()
    record("webhook.removed", actor=actor, org=org, obj=hook)


def send_test_event(actor, org, webhook_id: int) -> WebhookDelivery:
    hook = get_webhook(actor, org, webhook_id)
    delivery = _queue(hook, TEST_EVENT, {"organization": {"id": org.id, "name": org.name},
                                         "sent_by": {"id": actor.id, "name": actor.name}})
    db.session.flush()
    return delivery


def recent_deliveries(hook: Webhook, limit: int = 20) -> list[WebhookDelivery]:
    return db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                              .order_by(WebhookDelivery.id.desc()).limit(limit)).all()


def _queue(hook: Webhook, name: str, data: dict) -> WebhookDelivery:
    body = json.dumps({"id": str(uuid.uuid4()), "event": name, "created_at": utcnow().isoformat(),
                       "data": data}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    delivery = WebhookDelivery(webhook=hook, event=name, body=body, next_attempt_at=utcnow())
    db.session.add(delivery)
    if current_app.config.get("WEBHOOK_DELIVER_AFTER_COMMIT", True):
        defer("portal.api.delivery:deliver_due")
    return delivery


# ---------------------------------------------------------------- events from the audit log

@event.listens_for(Session, "after_flush")
def _capture(session, _context):
    wanted = [e for e in session.new if isinstance(e, AuditEvent) and e.action in EVENT_NAMES and e.outcome == "ok"]
    if wanted:
        session.info.setdefault(_CAPTURED, []).extend((e.action, e.object_type, e.object_id) for e in wanted)


@event.listens_for(Session, "after_flush_postexec")
def _deliver_captured(session, _context):
    captured = session.info.pop(_CAPTURED, None)
    if captured:
        for name, object_type, object_id in captured:
            _announce(name, object_type, object_id)


def _announce(name: str, object_type: str, object_id: int | None) -> None:
    from ..agreements.models import Agreement
    from ..exchanges.models import Exchange
    from . import schemas

    if object_type == "Exchange":
        obj = db.session.get(Exchange, object_id)
        org_ids, data = ({obj.owner_org_id, obj.requester_org_id}, {"exchange": schemas.Exchange().dump(obj)}) \
            if obj is not None else (set(), {})
    elif object_type == "Agreement":
        obj = db.session.get(Agreement, object_id)
        org_ids, data = (obj.party_org_ids(), {"agreement": schemas.Agreement().dump(obj)}) \
            if obj is not None else (set(), {})
    else:
        return
    if not org_ids:
        return
    hooks = db.session.scalars(select(Webhook).where(Webhook.org_id.in_(org_ids), Webhook.removed_at.is_(None)))
    for hook in hooks:
        if name in hook.event_names:
            _queue(hook, name, data)
