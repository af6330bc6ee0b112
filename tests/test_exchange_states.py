"""The exchange state machine as plain functions (with an explicit `today`): every state × every action,
the wrong organization or side, a suspended organization; and timing — cancelling before the start (with a
reason), completing on or after the last day, accepting within the period and for an active resource."""
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import gettext

from portal.dates import format_day
from portal.errors import NotAllowed, RuleViolation
from portal.exchanges import services
from portal.exchanges.models import ACCEPTED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN, Exchange
from portal.extensions import db
from portal.orgs import services as orgs
from portal.resources import services as catalogue

from .exchange_helpers import (DAY0, END, START, assert_refused_without_trace, audit_count, count, in_state,
                               new_request, perform, person, snapshot)
from .exchange_helpers import hall, outsider  # noqa: F401  (fixtures)

STATES = (REQUESTED, ACCEPTED, DECLINED, WITHDRAWN, COMPLETED, CANCELLED)
ACTIONS = ("accept", "decline", "withdraw", "cancel", "complete")
LEGAL = {
    (REQUESTED, "accept"): ACCEPTED,
    (REQUESTED, "decline"): DECLINED,
    (REQUESTED, "withdraw"): WITHDRAWN,
    (ACCEPTED, "cancel"): CANCELLED,
    (ACCEPTED, "complete"): COMPLETED,
}
AUDIT_ACTION = {
    "accept": "exchange.accepted", "decline": "exchange.declined", "withdraw": "exchange.withdrawn",
    "cancel": "exchange.cancelled", "complete": "exchange.completed", "message": "exchange.message",
    "condition": "exchange.condition",
}
# Who does each action when it is legal (any person of the right side may act).
LEGAL_ACTOR = {"accept": "representative", "decline": "member", "withdraw": "other_member",
               "cancel": "other_representative", "complete": "representative",
               "message": "other_member", "condition": "representative"}


# ---------------------------------------------------------------- the state machine

@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action(world, hall, state, action):
    exchange = in_state(world, hall, state)
    actor = getattr(world, LEGAL_ACTOR[action])
    audit_before = audit_count(AUDIT_ACTION[action], exchange.id)
    if (state, action) in LEGAL:
        perform(action, actor, exchange)
        db.session.commit()
        after = snapshot(exchange.id)
        assert after.state == LEGAL[(state, action)]
        assert audit_count(AUDIT_ACTION[action], exchange.id) == audit_before + 1
        if action in ("accept", "decline", "withdraw"):
            assert after.decided_by_id == actor.id and after.decided_at is not None
        if action in ("decline", "cancel"):
            assert after.reason  # the reason is kept
        if action == "complete":
            assert after.completed_by_id == actor.id and after.value_eur == Decimal("150.00")
            assert after.feedback == "Viss noritēja labi."
    else:
        refused = assert_refused_without_trace(RuleViolation, action, actor, exchange)
        assert str(refused.message)
        assert audit_count(AUDIT_ACTION[action], exchange.id) == audit_before


WRONG_PEOPLE = [
    # (action, state it would be legal in, who tries)
    *[(a, REQUESTED, who) for a in ("accept", "decline")
      for who in ("other_member", "other_representative", "outsider", "coordinator")],
    *[("withdraw", REQUESTED, who) for who in ("representative", "member", "outsider", "coordinator")],
    *[(a, ACCEPTED, who) for a in ("cancel", "complete", "message", "condition")
      for who in ("outsider", "coordinator")],
    ("message", REQUESTED, "outsider"),
]


@pytest.mark.parametrize("action,state,who", WRONG_PEOPLE)
def test_the_wrong_org_or_side_is_not_allowed(world, hall, outsider, action, state, who):
    exchange = in_state(world, hall, state)
    assert_refused_without_trace(NotAllowed, action, person(world, who, outsider), exchange)


SUSPENDED_CASES = [
    # (action, state it would be legal in, the person of the suspended org who tries)
    ("accept", REQUESTED, "representative"),
    ("decline", REQUESTED, "member"),
    ("withdraw", REQUESTED, "other_member"),
    ("cancel", ACCEPTED, "representative"),
    ("cancel", ACCEPTED, "other_representative"),
    ("complete", ACCEPTED, "member"),
    ("complete", ACCEPTED, "other_member"),
    ("message", REQUESTED, "representative"),
    ("message", ACCEPTED, "other_member"),
    ("condition", ACCEPTED, "other_representative"),
]


@pytest.mark.parametrize("action,state,who", SUSPENDED_CASES)
def test_a_suspended_org_can_do_nothing(world, hall, action, state, who):
    exchange = in_state(world, hall, state)
    actor = getattr(world, who)
    orgs.suspend(world.coordinator, actor.org, "Nav iesniegts gada pārskats")
    db.session.commit()
    assert_refused_without_trace(NotAllowed, action, actor, exchange)


def test_a_suspended_org_cannot_request(world, hall):
    orgs.suspend(world.coordinator, world.other_org, "Nav iesniegts gada pārskats")
    db.session.commit()
    before = count(Exchange)
    with pytest.raises(NotAllowed):
        new_request(world, hall)
    assert count(Exchange) == before


# ---------------------------------------------------------------- timing

def test_cancel_only_before_the_start(world, hall):
    exchange = in_state(world, hall, ACCEPTED)
    for today in (START, START + timedelta(days=1), END + timedelta(days=5)):
        refused = assert_refused_without_trace(RuleViolation, "cancel", world.other_member, exchange, today=today)
        assert str(refused.message) == gettext("An exchange can be cancelled only before it starts.")
    perform("cancel", world.other_member, exchange, today=START - timedelta(days=1))
    db.session.commit()
    assert snapshot(exchange.id).state == CANCELLED


def test_cancel_needs_a_reason(world, hall):
    exchange = in_state(world, hall, ACCEPTED)
    with pytest.raises(RuleViolation) as refused:
        services.cancel(world.representative, exchange, "   ", today=DAY0)
    assert refused.value.field == "reason"
    with pytest.raises(RuleViolation) as refused:
        services.decline(world.representative, in_state(world, hall, REQUESTED), "")
    assert refused.value.field == "reason"


def test_complete_only_on_or_after_the_last_day(world, hall):
    exchange = in_state(world, hall, ACCEPTED)
    for today in (DAY0, START, END - timedelta(days=1)):
        refused = assert_refused_without_trace(RuleViolation, "complete", world.representative, exchange, today=today)
        assert format_day(END, "medium") in str(refused.message)
    perform("complete", world.representative, exchange, today=END)
    db.session.commit()
    assert snapshot(exchange.id).state == COMPLETED


def test_accepting_after_the_period_or_for_a_paused_resource_is_refused(world, hall):
    exchange = in_state(world, hall, REQUESTED)
    assert_refused_without_trace(RuleViolation, "accept", world.representative, exchange,
                                 today=END + timedelta(days=1))
    catalogue.change_state(world.representative, hall, "paused")
    db.session.commit()
    assert_refused_without_trace(RuleViolation, "accept", world.representative, exchange)
    catalogue.change_state(world.representative, hall, "active")
    perform("accept", world.representative, exchange, today=END)  # on its last day it still can be
    assert snapshot(exchange.id).state == ACCEPTED
