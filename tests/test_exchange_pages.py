"""The exchange pages: the request form (errors next to their fields, the typing kept), the lists of
incoming and outgoing exchanges, the detail page's thread of both sides, decisions through the pages, and
a thread invisible to third organizations."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.exchanges.models import CANCELLED, REQUESTED, Exchange, ExchangeMessage
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.notifications.models import Notification
from portal.resources import services as catalogue

from .exchange_helpers import cells, count, en_date, iso, page, request_form, row_of, section, snapshot
from .exchange_helpers import outsider, requester  # noqa: F401  (fixtures)
from .helpers import client_for


# ---------------------------------------------------------------- the request form


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
