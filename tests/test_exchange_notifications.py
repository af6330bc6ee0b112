"""Every exchange transition tells the other side (a notification and a mail); a refused one tells nobody."""
import pytest
from sqlalchemy import delete, select

from portal.errors import RuleViolation
from portal.exchanges import services
from portal.exchanges.models import ACCEPTED, DECLINED, REQUESTED
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification

from .exchange_helpers import DAY0, count, in_state, new_request, perform
from .exchange_helpers import hall  # noqa: F401  (fixtures)
from .helpers import outbox


# ---------------------------------------------------------------- notifications and mail

EVENTS = [
    # (event, state before, actor)
    ("requested", None, "other_member"),
    ("accepted", REQUESTED, "representative"),
    ("declined", REQUESTED, "member"),
    ("withdrawn", REQUESTED, "other_representative"),
    ("cancelled", ACCEPTED, "representative"),
    ("cancelled", ACCEPTED, "other_member"),
    ("completed", ACCEPTED, "other_member"),
    ("completed", ACCEPTED, "member"),
    ("message", REQUESTED, "member"),
    ("message", ACCEPTED, "other_representative"),
    ("condition", ACCEPTED, "other_member"),
]


@pytest.mark.parametrize("event,state,who", EVENTS)
def test_every_transition_tells_the_other_side(world, hall, event, state, who):
    exchange = in_state(world, hall, state) if state else None
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(Notification))
    db.session.commit()
    actor = getattr(world, who)
    action = {"requested": None, "accepted": "accept", "declined": "decline", "withdrawn": "withdraw",
              "cancelled": "cancel", "completed": "complete", "message": "message", "condition": "condition"}[event]
    if action is None:
        exchange = new_request(world, hall, requester=actor)
    else:
        perform(action, actor, exchange)
    db.session.commit()

    own_org = actor.org
    other_org = world.org if own_org.id == world.other_org.id else world.other_org
    notes = db.session.scalars(select(Notification)).all()
    assert {n.user_id for n in notes} == {p.id for p in other_org.people if p.is_active}
    assert len(notes) == len({n.user_id for n in notes})  # one each
    assert {n.kind for n in notes} == {f"exchange_{event}"}
    assert {n.link for n in notes} == {f"/exchanges/{exchange.id}"}

    recipients = [m.recipient for m in outbox()]
    assert recipients, "no e-mail to the other side"
    other_emails = {p.email for p in other_org.people}
    assert set(recipients) <= other_emails
    assert not set(recipients) & {p.email for p in own_org.people}
    assert {p.email for p in other_org.people if p.is_representative} <= set(recipients)
    assert len(recipients) == len(set(recipients))
    if event == "requested":
        assert world.representative.email in recipients  # the resource's publisher
    elif own_org.id == world.org.id:
        assert world.other_member.email in recipients  # the person who asked
    assert all(hall.title in m.subject for m in outbox())


def test_a_refused_transition_tells_nobody(world, hall):
    exchange = in_state(world, hall, DECLINED)
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(Notification))
    db.session.commit()
    with pytest.raises(RuleViolation):
        services.accept(world.representative, exchange, today=DAY0)
    db.session.rollback()
    assert count(Notification) == 0 and outbox() == []
