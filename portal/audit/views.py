from datetime import datetime, time, timezone

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import policy
from ..accounts.models import User
from ..extensions import db
from ..orgs.models import Organization
from . import bp
from .models import AuditEvent
from .services import verify_chain

PAGE_SIZE = 50


def _date(value: str | None, end_of_day=False):
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=timezone.utc)


@bp.get("/coordination/audit")
@login_required
def log():
    if not policy.can_view_audit_log(current_user):
        abort(403)
    filters = {k: request.args.get(k, "").strip() for k in ("action", "org", "actor", "from", "to")}
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["org"].isdigit():
        query = query.where(AuditEvent.org_id == int(filters["org"]))
    if filters["actor"]:
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            User.email.contains(filters["actor"].lower()))
    if (start := _date(filters["from"])) is not None:
        query = query.where(AuditEvent.created_at >= start)
    if (end := _date(filters["to"], end_of_day=True)) is not None:
        query = query.where(AuditEvent.created_at <= end)
    page = max(request.args.get("page", 1, type=int), 1)
    events = db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    orgs = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template(
        "audit/log.html", events=events[:PAGE_SIZE], has_next=len(events) > PAGE_SIZE, page=page,
        filters=filters, actions=actions, orgs=orgs, chain=verify_chain(),
    )
