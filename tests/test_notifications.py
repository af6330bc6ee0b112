"""The bell: opening a notification marks it read; those that ask for an action are marked, listed first
and stay until the action is done (the services resolve them); each kind says what it is; the header's
count is one query."""
import re

import sqlalchemy as sa
from sqlalchemy import event

from portal.agreements import drafting, services as agreements, signatures
from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.services import unread_count
from portal.orgs import services as orgs

from .factories import PASSWORD, make_agreement, request_exchange
from .helpers import client_for


def notifications_of(person, kind=None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == person.id).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query).all()


def waiting_of(person) -> list[str]:
    db.session.expire_all()
    return [n.kind for n in notifications_of(person) if n.waits_for_action]


def section(page: str, testid: str) -> str:
    match = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def badge(client) -> int:
    match = re.search(r'data-testid="unread-count"[^>]*>(\d+)<', client.get("/").get_data(as_text=True))
    return int(match.group(1)) if match else 0


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(app, world):
    exchange = request_exchange(world.other_member, world.resource, start_in_days=20)
    exchanges.post_message(world.other_member, exchange, "Vai der?")
    db.session.commit()
    [message] = notifications_of(world.member, "exchange_message")
    client = client_for(app, world.member)
    assert badge(client) == 2  # the request (waiting for an answer) and the message

    assert client.get(f"/notifications/{message.id}/open").status_code == 405  # a GET changes nothing
    response = client.post(f"/notifications/{message.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == f"/exchanges/{exchange.id}"
    db.session.expire_all()
    assert db.session.get(Notification, message.id).read_at is not None
    assert badge(client) == 1

    # Someone else's notification is not found, and stays unread.
    [theirs] = notifications_of(world.representative, "exchange_message")
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_what_waits_for_an_action_comes_first_and_stays_until_it_is_done(app, world):
    exchange = request_exchange(world.other_member, world.resource, start_in_days=20)
    exchanges.post_message(world.other_member, exchange, "Vai der?")
    db.session.commit()
    client = client_for(app, world.representative)
    page = client.get("/notifications").get_data(as_text=True)
    waiting, others = section(page, "waiting"), section(page, "others")
    assert "Sukrums" in waiting and "kind-exchange" in waiting and "Pieņemiet vai noraidiet pieprasījumu" in waiting
    assert "kind-message" in others and "kind-message" not in waiting
    assert page.index('data-testid="waiting"') < page.index('data-testid="others"')

    assert client.post("/notifications/read").status_code == 302
    db.session.expire_all()
    assert all(n.read_at for n in notifications_of(world.representative))
    assert waiting_of(world.representative) == ["exchange_requested"]  # read, but not done
    assert badge(client) == 1
    page = client.get("/notifications").get_data(as_text=True)
    assert "Sukrums" in section(page, "waiting")

    exchanges.accept(world.member, exchange)  # a colleague answers: done for everyone of the organization
    db.session.commit()
    assert waiting_of(world.representative) == [] and waiting_of(world.member) == []
    assert badge(client) == 0
    assert section(client.get("/notifications").get_data(as_text=True), "waiting") == ""


def test_signing_waits_for_each_partys_signatory_until_that_party_has_signed(app, world):
    agreement = make_agreement(world, "approved")  # Baltā māja (its representative signs) and Intelekta parks
    db.session.commit()
    assert waiting_of(world.representative) == ["agreement_approved"]
    assert waiting_of(world.coordinator) == ["agreement_approved"]  # signs for the coordinating organization
    assert waiting_of(world.member) == []  # told, but nothing to do
    assert notifications_of(world.member, "agreement_approved")

    signatures.sign(world.representative, agreement, password=PASSWORD, typed_name=world.representative.name,
                    consent=True)
    db.session.commit()
    assert waiting_of(world.representative) == []
    assert waiting_of(world.coordinator) == ["agreement_signed"]  # the newest replaces the one before
    signatures.sign(world.coordinator, agreement, password=PASSWORD, typed_name=world.coordinator.name,
                    consent=True)
    db.session.commit()
    assert waiting_of(world.coordinator) == []


def test_approving_waits_for_the_coordinators_until_one_decides(app, world):
    from portal.accounts.models import REPRESENTATIVE

    from .factories import make_user

    second_coordinator = make_user(world.coord_org, REPRESENTATIVE, coordinator=True)
    agreement = make_agreement(world, "submitted")
    db.session.commit()
    assert waiting_of(world.coordinator) == ["agreement_submitted_coordinator"]
    assert waiting_of(second_coordinator) == ["agreement_submitted_coordinator"]
    agreements.return_to_drafter(world.coordinator, agreement, "Precizējiet termiņu.")
    db.session.commit()
    assert waiting_of(second_coordinator) == []
    assert waiting_of(world.representative) == ["agreement_returned"]  # the drafter changes it
    drafting.update_draft(world.representative, agreement, title=agreement.title, place=agreement.place,
                          valid_from=agreement.valid_from, valid_to=agreement.valid_to, review_on=None,
                          clauses=[(c["heading"], c["text"]) for c in agreement.clauses])
    assert waiting_of(world.representative) == ["agreement_returned"]  # changed, not yet submitted again
    agreements.submit(world.representative, agreement)
    db.session.commit()
    assert waiting_of(world.representative) == []


def test_a_draft_waits_for_the_other_partys_comment_or_the_submission(app, world):
    agreement = make_agreement(world, "draft", partner=world.other_org)
    db.session.commit()
    assert waiting_of(world.other_representative) == ["agreement_drafted"]
    assert waiting_of(world.other_member) == []
    agreements.add_comment(world.other_representative, agreement, "Labs projekts.")
    db.session.commit()
    assert waiting_of(world.other_representative) == []


def test_an_application_waits_for_the_coordinators_until_it_is_decided(app, world):
    orgs.apply_for_membership(
        {"name": "Ūdenszīme", "legal_form": "association", "registration_number": "40008999111",
         "legal_address": "Rīgas iela 1, Ludza", "municipality": "ludzas", "email": "u@example.org", "phone": "",
         "website": "", "description": "Vides izglītība"},
        {"email": "zanna@example.org", "name": "Žanna Ūdre", "position": ""}, password="Ūdenszīme Ludzā 2026 rudenī",
        locale="lv")
    db.session.commit()
    assert waiting_of(world.coordinator) == ["application_received"]
    org = db.session.scalar(sa.select(type(world.org)).where(type(world.org).registration_number == "40008999111"))
    orgs.reject_application(world.coordinator, org, "Nav Latgales organizācija.")
    db.session.commit()
    assert waiting_of(world.coordinator) == []


def test_each_kind_says_what_it_is(app, world):
    request_exchange(world.other_member, world.resource, start_in_days=20)
    exchanges.post_message(world.other_member, world.exchange, "Vai der?")
    make_agreement(world, "draft", drafter=world.other_representative, partner=world.org)
    db.session.commit()
    page = client_for(app, world.representative).get("/notifications").get_data(as_text=True)
    items = re.findall(r'<li class="notification kind-(\w+)[^"]*".*?<span class="kind-label">([^<]+)</span>', page,
                       re.S)
    assert {kind: label for kind, label in items} == {"exchange": "Apmaiņa", "message": "Ziņa",
                                                      "agreement": "Līgums"}
    assert page.count('<svg class="kind-icon"') == len(items) == 3


def test_the_headers_count_is_one_query(app, world):
    for days in (20, 30, 40):
        request_exchange(world.other_member, world.resource, start_in_days=days)
    db.session.commit()
    person = world.representative
    assert person.id  # loaded, as the logged-in person is by the time the header is drawn
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        count = unread_count(person)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert count == 3
    queries = [s for s in statements if not s.startswith("BEGIN")]
    assert len(queries) == 1 and queries[0].lstrip().upper().startswith("SELECT COUNT"), queries
