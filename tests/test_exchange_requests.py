"""Requesting an exchange: a bad request refused with its field, hours for an intellectual resource, the
inclusive limits, one's own paused or archived resources; and the capacity check — a clash named by its day,
exchange and organization, what does not overlap, a cancelled exchange's places freed."""
from datetime import timedelta
from decimal import Decimal

import pytest

from portal.audit.models import AuditEvent
from portal.dates import format_day
from portal.errors import NotAllowed, RuleViolation
from portal.exchanges import services
from portal.exchanges.models import ACCEPTED, CANCELLED, REQUESTED, Exchange
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification
from portal.resources import services as catalogue

from .exchange_helpers import (DAY0, END, START, assert_refused_without_trace, audit_count, count, in_state,
                               new_request, snapshot)
from .exchange_helpers import hall, lecture, outsider  # noqa: F401  (fixtures)
from .factories import make_resource


# ---------------------------------------------------------------- requesting


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
