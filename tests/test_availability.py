"""Availability before booking: what accepted exchanges take of a material resource on each day, the month
calendar on the request form, the refusal (naming the days) before a request is sent, the owner's list
flagging a request that now conflicts, and the organization's calendar as a month grid."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.errors import RuleViolation
from portal.exchanges import availability, services
from portal.exchanges.models import Exchange
from portal.exchanges.services import short_date
from portal.extensions import db

from .factories import make_org, make_resource, make_user
from .helpers import client_for

FIRST = date.today().replace(day=1) + timedelta(days=62)
MONTH = FIRST.replace(day=1)  # a month at least a month ahead, so that no day of it is in the past
D = lambda n: MONTH + timedelta(days=n - 1)  # noqa: E731  the n-th day of that month


@pytest.fixture
def hall(world):
    """40 places of org B, with two accepted exchanges: 30 places on days 10–11, 10 places on days 11–12."""
    resource = make_resource(world.representative, title="Zāle “Ezers”", quantity=40)
    outsider = make_user(make_org("Daugavas krasts"), "representative")
    for requester, first, last, quantity in ((world.other_member, 10, 11, 30), (outsider, 11, 12, 10)):
        exchange = services.request_exchange(requester, resource, starts_on=D(first), ends_on=D(last),
                                             quantity=quantity, hours=None, purpose="Seminārs", message="")
        services.accept(world.representative, exchange)
    db.session.commit()
    return resource


def _request(world, resource, first, last, quantity):
    return services.request_exchange(world.other_member, resource, starts_on=D(first), ends_on=D(last),
                                     quantity=quantity, hours=None, purpose="Sapulce", message="")


def test_what_is_taken_adds_partial_quantities_where_exchanges_overlap(world, hall):
    assert availability.taken_by_day(hall, D(1), D(28)) == {D(10): 30, D(11): 40, D(12): 10}
    assert availability.short_days(hall, D(9), D(13), 1) == [(D(11), 0)]
    assert availability.short_days(hall, D(9), D(13), 11) == [(D(10), 10), (D(11), 0)]
    assert availability.short_days(hall, D(13), D(14), 40) == []
    weeks = availability.resource_month(hall, MONTH)
    days = {d.day: d for week in weeks for d in week if d.in_month}
    assert (days[D(10)].status, days[D(10)].left) == ("partial", 10)
    assert (days[D(11)].status, days[D(11)].left) == ("full", 0)
    assert days[D(13)].status == "free" and len(days) == (MONTH.replace(month=MONTH.month % 12 + 1, year=MONTH.year + (MONTH.month == 12)) - MONTH).days


def test_a_request_for_a_booked_day_is_refused_before_it_is_sent_naming_the_days(world, hall):
    before = db.session.scalar(select(func.count()).select_from(Exchange))
    with pytest.raises(RuleViolation) as refused:
        _request(world, hall, 9, 12, 15)
    db.session.rollback()
    assert refused.value.field == "starts_on"
    message = str(refused.value.message)
    named = lambda n: f"{short_date(D(n))} (" in message  # noqa: E731
    assert named(10) and named(11) and not named(12) and not named(9), message  # 15 do not fit on 10 and 11
    assert f"{short_date(D(10))} (brīvi 10)" in message and f"{short_date(D(11))} (brīvi 0)" in message, message
    assert db.session.scalar(select(func.count()).select_from(Exchange)) == before
    assert _request(world, hall, 10, 10, 10).state == "requested"  # exactly what is left still fits


def test_the_request_form_shows_the_month_and_keeps_the_typing_when_refused(app, world, hall):
    client = client_for(app, world.other_member)
    page = client.get(f"/resources/{hall.id}/request?lang=en&month={MONTH:%Y-%m}").get_data(as_text=True)
    assert 'data-testid="availability"' in page
    assert re.search(rf'data-date="{D(11).isoformat()}" data-status="full"', page)
    assert re.search(rf'data-date="{D(10).isoformat()}" data-status="partial"', page)
    assert "10 of 40 left" in page and "booked" in page
    response = client.post(f"/resources/{hall.id}/request?lang=en", data={
        "starts_on": D(11).isoformat(), "ends_on": D(11).isoformat(), "quantity": "1", "hours": "",
        "purpose": "Valdes sēde", "message": "Labdien!"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    errors = re.findall(r'<p class="error" data-field="([a-z_]+)">(.*?)</p>', html)
    assert [f for f, _ in errors] == ["starts_on"] and "Already booked" in errors[0][1] and "(0 left)" in errors[0][1]
    assert 'value="Valdes sēde"' in html and html.count(f'data-date="{D(11).isoformat()}" data-status="full"') == 1
    assert html.lstrip().startswith("<!") and "<title>Error:" in html


def test_a_bad_month_in_the_address_shows_this_month(app, world, hall):
    client = client_for(app, world.other_member)
    for month in ("nonsense", "2026-13", "99999-01", ""):
        response = client.get(f"/resources/{hall.id}/request?month={month}")
        assert response.status_code == 200, month
        assert f'data-date="{date.today().isoformat()}"' in response.get_data(as_text=True)


def test_the_owner_sees_a_request_that_now_conflicts_flagged_before_accepting(app, world):
    projector = make_resource(world.representative, title="Projektors", quantity=1, category="equipment")
    first = _request(world, projector, 5, 6, 1)
    second = services.request_exchange(world.other_representative, projector, starts_on=D(6), ends_on=D(7),
                                       quantity=1, hours=None, purpose="Lekcija", message="")
    third = _request(world, projector, 8, 8, 1)
    services.accept(world.representative, first)
    db.session.commit()
    assert services.conflicting_requests([first, second, third]) == {second.id}
    html = client_for(app, world.representative).get("/exchanges?lang=en").get_data(as_text=True)
    assert f'data-testid="conflict-{second.id}"' in html
    assert f'data-testid="conflict-{third.id}"' not in html and f'data-testid="conflict-{first.id}"' not in html


def test_intellectual_resources_are_not_counted_by_the_day(world):
    advice = make_resource(world.representative, kind="intellectual", category="expertise", handover="",
                           format="online", title="Konsultācija", quantity=1)
    for requester in (world.other_member, world.other_representative):
        exchange = services.request_exchange(requester, advice, starts_on=D(3), ends_on=D(3), quantity=1,
                                             hours=Decimal("2"), purpose="Padoms", message="")
        services.accept(world.representative, exchange)
    assert availability.short_days(advice, D(3), D(3), 1) == []
    day = next(d for week in availability.resource_month(advice, MONTH) for d in week if d.day == D(3))
    assert day.status == "free" and len(day.exchanges) == 2


def test_the_calendar_is_a_month_grid_with_a_list_view_beside_it(app, world):
    exchange = world.accepted_exchange
    month = exchange.starts_on.replace(day=1)
    for user in (world.representative, world.other_member):
        client = client_for(app, user)
        html = client.get(f"/calendar?month={month:%Y-%m}").get_data(as_text=True)
        grid = html.split('data-testid="calendar-month"')[1]
        day = grid.split(f'data-date="{exchange.starts_on.isoformat()}"')[1].split("</li>\n")[0]
        assert f'href="/exchanges/{exchange.id}"' in day
        assert f'href="/exchanges/{world.exchange.id}"' not in grid  # only requested
        listing = client.get("/calendar?view=list").get_data(as_text=True)
        assert 'data-testid="calendar"' in listing and f'href="/exchanges/{exchange.id}"' in listing
    other_month = (month + timedelta(days=40)).replace(day=1)
    later = client_for(app, world.representative).get(f"/calendar?month={other_month:%Y-%m}").get_data(as_text=True)
    assert f'href="/exchanges/{exchange.id}"' not in later.split('data-testid="calendar-month"')[1]
