"""The organization's iCalendar feed of accepted exchanges (both ways), and a wrong or renewed token."""
from datetime import timedelta

from icalendar import Calendar

from portal.exchanges import services
from portal.exchanges.models import CalendarFeed
from portal.extensions import db

from .exchange_helpers import page, section
from .exchange_helpers import outsider  # noqa: F401  (fixtures)
from .factories import make_resource, request_exchange
from .helpers import client_for


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
