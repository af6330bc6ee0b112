"""In-app notifications. Each kind has a translatable text and a group (what it is about: its icon and
label); parameters fill the text in at display time, in the reader's language.

A notification that asks its reader to act carries an action key ("exchange:12:answer",
"agreement:5:sign:3"). It waits at the top of the list, read or not, until the service that does the action
resolves the key: the services know when an action is done (a request answered, a party's signature), and
the list and the header's count stay one query on this table instead of a join with every domain's state.
"""
import json
from itertools import chain

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, event, func, or_, select, update
from sqlalchemy.orm import Session

from ..database import utcnow
from ..extensions import db
from .models import Notification

EXCHANGE, MESSAGE, AGREEMENT, SIGNATURE, MEMBERSHIP = "exchange", "message", "agreement", "signature", "membership"
REPORT = "report"
GROUP_LABELS = {
    EXCHANGE: _l("Exchange"),
    MESSAGE: _l("Message"),
    AGREEMENT: _l("Agreement"),
    SIGNATURE: _l("Signature"),
    MEMBERSHIP: _l("Membership"),
    REPORT: _l("Report"),
}

# kind -> (group, text, what to do when it waits for an action)
KINDS = {
    "application_received": (MEMBERSHIP, _l("New membership application from %(org)s."),
                             _l("Approve or reject the application")),
    "org_approved": (MEMBERSHIP, _l("%(org)s is now a member of the network."), None),
    "org_suspended": (MEMBERSHIP, _l("%(org)s has been suspended by a coordinator."), None),
    "org_reactivated": (MEMBERSHIP, _l("%(org)s has been reactivated."), None),
    "became_representative": (MEMBERSHIP, _l("You are now a representative of %(org)s."), None),
    "became_member": (MEMBERSHIP, _l("You are now a member of %(org)s (no longer a representative)."), None),
    "member_joined": (MEMBERSHIP, _l("%(name)s has joined %(org)s."), None),
    "exchange_requested": (EXCHANGE, _l("%(org)s asks to use “%(resource)s”."), _l("Accept or decline the request")),
    "exchange_accepted": (EXCHANGE, _l("%(org)s accepted your request for “%(resource)s”."), None),
    "exchange_declined": (EXCHANGE, _l("%(org)s declined your request for “%(resource)s”."), None),
    "exchange_withdrawn": (EXCHANGE, _l("%(org)s withdrew its request for “%(resource)s”."), None),
    "exchange_cancelled": (EXCHANGE, _l("%(org)s cancelled the exchange of “%(resource)s”."), None),
    "exchange_completed": (EXCHANGE, _l("%(org)s marked the exchange of “%(resource)s” as completed."),
                           _l("Confirm what happened")),
    "exchange_feedback": (EXCHANGE, _l("%(org)s confirmed what happened in the exchange of “%(resource)s”."),
                          _l("Confirm what happened")),
    "exchange_disputed": (EXCHANGE, _l("%(org)s gave other figures for the exchange of “%(resource)s”: it is "
                                       "marked as disputed."), None),
    "exchange_resolved": (EXCHANGE, _l("A network coordinator settled the disputed figures of the exchange of "
                                       "“%(resource)s”: they count now."), None),
    "exchange_message": (MESSAGE, _l("New message from %(org)s about “%(resource)s”."), None),
    "exchange_condition": (EXCHANGE, _l("%(org)s recorded the condition of “%(resource)s”."), None),
    "agreement_drafted": (AGREEMENT, _l("%(org)s drafted the agreement “%(title)s” with your organization."),
                          _l("Read the draft and comment")),
    "agreement_comment": (MESSAGE, _l("%(org)s commented on the agreement “%(title)s”."), None),
    "agreement_submitted": (AGREEMENT, _l("%(org)s submitted the agreement “%(title)s” for approval."), None),
    "agreement_submitted_coordinator": (AGREEMENT,
                                        _l("Agreement “%(title)s” by %(org)s is waiting for your approval."),
                                        _l("Approve the agreement or return it")),
    "agreement_returned": (AGREEMENT, _l("A coordinator returned the agreement “%(title)s” for changes."),
                           _l("Change the draft and submit it again")),
    "agreement_approved": (SIGNATURE, _l("The agreement “%(title)s” is approved and ready to be signed."),
                           _l("Sign the agreement")),
    "agreement_signed": (SIGNATURE, _l("%(org)s signed the agreement “%(title)s”."), _l("Sign the agreement")),
    "agreement_in_force": (AGREEMENT, _l("All parties have signed: the agreement “%(title)s” is in force."), None),
    "agreement_terminated": (AGREEMENT, _l("The agreement “%(title)s” was terminated."), None),
    "agreement_expired": (AGREEMENT, _l("The agreement “%(title)s” has expired."), None),
    "agreement_sign_reminder": (SIGNATURE, _l("The agreement “%(title)s” is waiting for your signature."),
                                _l("Sign the agreement")),
    "agreement_review_reminder": (AGREEMENT, _l("The agreement “%(title)s” is due for review."), None),
    "report_pdf_ready": (REPORT, _l("The signed PDF “%(title)s” is ready: open this to download it."), None),
    "report_pdf_failed": (REPORT, _l("The signed PDF “%(title)s” could not be made. Try again later."), None),
}
TEXTS = {kind: text for kind, (_group, text, _action) in KINDS.items()}


def notify(users, kind: str, link: str = "", action: str = "", **params) -> None:
    """Tells `users`; with an `action` key the notification waits until resolve() is called with it. A new
    one with the same key replaces the one each person still had waiting (a reminder, say)."""
    if kind not in KINDS:
        raise KeyError(kind)
    users = list(users)
    if action and users:
        db.session.execute(
            update(Notification)
            .where(Notification.action_key == action, Notification.resolved_at.is_(None),
                   Notification.user_id.in_([user.id for user in users]))
            .values(resolved_at=utcnow())
        )
    payload = json.dumps(params, ensure_ascii=False)
    for user in users:
        db.session.add(Notification(user_id=user.id, kind=kind, params=payload, link=link, action_key=action))
    db.session.flush()


def resolve(*keys: str) -> None:
    """The actions named are done: their notifications stop waiting, for everyone."""
    if keys:
        db.session.execute(
            update(Notification)
            .where(Notification.action_key.in_(keys), Notification.resolved_at.is_(None))
            .values(resolved_at=utcnow())
        )


def resolve_all(subject: str) -> None:
    """Every action about `subject` ("agreement:5") is done or moot (it ended, say)."""
    db.session.execute(
        update(Notification)
        .where(Notification.action_key.startswith(f"{subject}:", autoescape=True), Notification.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )


def text_of(notification: Notification) -> str:
    params = json.loads(notification.params)
    entry = KINDS.get(notification.kind)
    if entry is None:
        return notification.kind
    return str(entry[1]) % params


def group_of(notification: Notification) -> str:
    entry = KINDS.get(notification.kind)
    return entry[0] if entry else MEMBERSHIP


def action_label(notification: Notification) -> str:
    entry = KINDS.get(notification.kind)
    return str(entry[2]) if entry and entry[2] and notification.waits_for_action else ""


def _waiting():
    return (Notification.action_key != "") & Notification.resolved_at.is_(None)


def _unread_of(user_id):
    return select(func.count()).where(Notification.user_id == user_id,
                                      or_(Notification.read_at.is_(None), _waiting()))


def unread_count_of(user_id_column):
    """The header's count as a scalar subquery, for the statement that loads the logged-in person
    (portal.accounts.auth): their page then needs no statement of its own for the bell."""
    return _unread_of(user_id_column).scalar_subquery()


def remember_unread(session, user_id: int, count: int) -> None:
    """`count` was read in this transaction, before it changed any notification."""
    session.info[(UNREAD, user_id)] = count


def unread_count(user) -> int:
    """For the header: unread, or waiting for an action. Read with the person when they were loaded, unless
    a notification changed since (then one query)."""
    known = db.session.info.get((UNREAD, user.id))
    if known is not None:
        return known
    return db.session.scalar(_unread_of(user.id))


# The count read with the person holds until a notification is added, changed or deleted (by a flush or a
# bulk UPDATE), or the transaction ends.
UNREAD = "unread_notifications"


def _forget_unread(session) -> None:
    for key in [key for key in session.info if isinstance(key, tuple) and key[:1] == (UNREAD,)]:
        del session.info[key]


@event.listens_for(Session, "after_flush")
def _note_flush(session, _flush_context):
    if any(isinstance(obj, Notification) for obj in chain(session.new, session.dirty, session.deleted)):
        _forget_unread(session)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state):
    if (state.is_update or state.is_delete or state.is_insert) and \
            any(mapper.class_ is Notification for mapper in state.all_mappers):
        _forget_unread(state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session):
    _forget_unread(session)


def inbox(user, limit: int = 50) -> list[Notification]:
    """What waits for an action first (oldest first: it has waited longest), then the rest, newest first."""
    waiting = case((_waiting(), 0), else_=1)
    order = case((_waiting(), Notification.id), else_=-Notification.id)
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(waiting, order).limit(limit)
    ).all()


def recent(user, limit: int = 50) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    ).all()


def open_notification(user, notification_id: int) -> Notification | None:
    """The reader's own notification, marked read; None if it is not theirs."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user) -> None:
    """Read, all of them; those waiting for an action still wait."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
