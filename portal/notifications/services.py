"""In-app notifications. Each kind has a translatable text; parameters fill it in at display time."""
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..database import utcnow
from ..extensions import db
from .models import Notification

TEXTS = {
    "application_received": _l("New membership application from %(org)s."),
    "org_approved": _l("%(org)s is now a member of the network."),
    "org_suspended": _l("%(org)s has been suspended by a coordinator."),
    "org_reactivated": _l("%(org)s has been reactivated."),
    "became_representative": _l("You are now a representative of %(org)s."),
    "became_member": _l("You are now a member of %(org)s (no longer a representative)."),
    "member_joined": _l("%(name)s has joined %(org)s."),
    "exchange_requested": _l("%(org)s asks to use “%(resource)s”."),
    "exchange_accepted": _l("%(org)s accepted your request for “%(resource)s”."),
    "exchange_declined": _l("%(org)s declined your request for “%(resource)s”."),
    "exchange_withdrawn": _l("%(org)s withdrew its request for “%(resource)s”."),
    "exchange_cancelled": _l("%(org)s cancelled the exchange of “%(resource)s”."),
    "exchange_completed": _l("%(org)s marked the exchange of “%(resource)s” as completed."),
    "exchange_message": _l("New message from %(org)s about “%(resource)s”."),
    "exchange_condition": _l("%(org)s recorded the condition of “%(resource)s”."),
    "agreement_drafted": _l("%(org)s drafted the agreement “%(title)s” with your organization."),
    "agreement_comment": _l("%(org)s commented on the agreement “%(title)s”."),
    "agreement_submitted": _l("%(org)s submitted the agreement “%(title)s” for approval."),
    "agreement_submitted_coordinator": _l("Agreement “%(title)s” by %(org)s is waiting for your approval."),
    "agreement_returned": _l("A coordinator returned the agreement “%(title)s” for changes."),
    "agreement_approved": _l("The agreement “%(title)s” is approved and ready to be signed."),
    "agreement_signed": _l("%(org)s signed the agreement “%(title)s”."),
    "agreement_in_force": _l("All parties have signed: the agreement “%(title)s” is in force."),
    "agreement_terminated": _l("The agreement “%(title)s” was terminated."),
    "agreement_expired": _l("The agreement “%(title)s” has expired."),
    "agreement_sign_reminder": _l("The agreement “%(title)s” is waiting for your signature."),
    "agreement_review_reminder": _l("The agreement “%(title)s” is due for review."),
}


def notify(users, kind: str, link: str = "", **params) -> None:
    if kind not in TEXTS:
        raise KeyError(kind)
    payload = json.dumps(params, ensure_ascii=False)
    for user in users:
        db.session.add(Notification(user_id=user.id, kind=kind, params=payload, link=link))
    db.session.flush()


def text_of(notification: Notification) -> str:
    params = json.loads(notification.params)
    template = TEXTS.get(notification.kind)
    if template is None:
        return notification.kind
    return str(template) % params


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(user, limit: int = 50) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    ).all()


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
