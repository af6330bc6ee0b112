"""When the two sides' accounts of an exchange come to differ: an audit event `exchange.disputed` (once per
disagreement), named on the coordinators' audit page with a link to the dispute; webhooks for `exchange.disputed`
and `exchange.resolved` delivered, signed, with the exchange and its `feedback` as the API shows it, to both sides'
webhooks that asked for the event, and to nobody else (a side's webhook that did not ask, another organization's)."""
import json
from decimal import Decimal

import sqlalchemy as sa

from portal.api import delivery, webhooks
from portal.api.webhook_docs import webhooks_section
from portal.audit.models import AuditEvent
from portal.audit.services import verify_chain
from portal.exchanges.confirmations import Figures, give_feedback
from portal.exchanges.models import AGREED, DISPUTED
from portal.exchanges.resolutions import resolve_dispute
from portal.extensions import db

from .factories import make_token
from .helpers import client_for
from .test_api import api
from .test_api_feedback import lecture  # noqa: F401  (the fixture: completed by C, 3 people, 12 h, 96 EUR)
from .test_exchange_resolution import NOTE, SETTLED
from .test_webhooks import Receiver, loopback, receiving  # noqa: F401  (loopback: a fixture)

DIFFERENT = Figures("as_agreed", 3, None, Decimal("10"), Decimal("120"), "Bija 10 stundas.")
SAME = Figures("as_agreed", 3, None, Decimal("12"), Decimal("96"))


def disputed_events(exchange) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "exchange.disputed", AuditEvent.object_id == exchange.id).order_by(AuditEvent.id)).all()


def events_of(receiver) -> list[tuple[str, dict]]:
    return [(json.loads(body)["event"], json.loads(body)) for _headers, body in receiver.received]


# ---------------------------------------------------------------- the audit event

def test_coming_to_differ_is_an_audit_event_once_per_disagreement(app, world, lecture):  # noqa: F811
    give_feedback(world.representative, lecture, DIFFERENT)
    db.session.commit()
    [event] = disputed_events(lecture)
    assert (event.actor_id, event.org_id, event.outcome) == (world.representative.id, world.org.id, "ok")
    assert json.loads(event.details)["parties"] == [world.org.id, world.other_org.id]
    give_feedback(world.representative, lecture, Figures("as_agreed", 3, None, Decimal("9"), Decimal("110")))
    db.session.commit()
    assert lecture.feedback_state == DISPUTED and len(disputed_events(lecture)) == 1, "still differing: no new one"
    give_feedback(world.representative, lecture, SAME)
    db.session.commit()
    assert lecture.feedback_state == AGREED and len(disputed_events(lecture)) == 1
    give_feedback(world.other_member, lecture, Figures("no_show", comment="Nenotika."))
    db.session.commit()
    assert lecture.feedback_state == DISPUTED and len(disputed_events(lecture)) == 2, "agreed, then differing again"
    assert verify_chain().intact
    page = client_for(app, world.coordinator).get("/coordination/audit?lang=en").get_data(as_text=True)
    assert "Exchange disputed: the two sides’ accounts differ" in page
    assert f'href="/coordination/disputes/{lecture.id}"' in page  # the coordinators' page of the exchange
    page = client_for(app, world.coordinator).get("/coordination/audit?lang=lv").get_data(as_text=True)
    assert "Apmaiņa strīdā: abu pušu apstiprinājumi atšķiras" in page


def test_an_agreeing_confirmation_is_no_dispute(app, world, lecture):  # noqa: F811
    give_feedback(world.representative, lecture, SAME)
    db.session.commit()
    assert lecture.feedback_state == AGREED and disputed_events(lecture) == []


def test_a_confirmation_through_the_api_that_differs_is_a_dispute_too(app, world, lecture):  # noqa: F811
    answer = api(app, make_token(world.representative, "read_write")).post(
        f"/api/v1/exchanges/{lecture.id}/feedback", json={"outcome": "no_show", "comment": "Neviens neatnāca."})
    assert answer.status_code == 200, answer.json
    assert answer.json["feedback"]["state"] == "disputed"
    assert [e.actor_id for e in disputed_events(lecture)] == [world.representative.id]


# ---------------------------------------------------------------- webhooks

def test_both_sides_webhooks_that_asked_are_told_of_the_dispute_and_its_settlement(loopback, world,  # noqa: F811
                                                                                  lecture):  # noqa: F811
    ours, theirs, not_asked, outsider = Receiver(), Receiver(), Receiver(), Receiver()
    with receiving(ours) as ours_url, receiving(theirs) as theirs_url, receiving(not_asked) as not_asked_url, \
            receiving(outsider) as outsider_url:
        owner_hook = webhooks.register_webhook(world.representative, world.org, url=ours_url,
                                               events=["exchange.disputed", "exchange.resolved"])
        requester_hook = webhooks.register_webhook(world.other_representative, world.other_org, url=theirs_url,
                                                   events=["exchange.disputed"])
        webhooks.register_webhook(world.representative, world.org, url=not_asked_url,
                                  events=["exchange.requested", "exchange.accepted", "exchange.completed"])
        webhooks.register_webhook(world.coordinator, world.coord_org, url=outsider_url,  # the settling network's
                                  events=[name for name in webhooks.EVENT_NAMES])
        db.session.commit()

        give_feedback(world.representative, lecture, DIFFERENT)
        db.session.commit()
        assert delivery.deliver_due() == 2
        [(name, body)] = events_of(ours)
        assert name == "exchange.disputed" and body["data"]["exchange"]["id"] == lecture.id
        feedback = body["data"]["exchange"]["feedback"]
        assert feedback["state"] == "disputed" and feedback["resolution"] is None
        assert (feedback["owner"]["value_eur"], feedback["requester"]["value_eur"]) == (120, 96)
        assert feedback["counted"]["value_eur"] == 96  # the lower figure counts while disputed
        headers, raw = ours.received[0]
        assert headers["Portal-Event"] == "exchange.disputed" and delivery.verify(
            owner_hook.secret, headers["Portal-Signature"], raw)
        [(name, body)] = events_of(theirs)
        assert name == "exchange.disputed" and body["data"]["exchange"]["feedback"]["state"] == "disputed"
        assert delivery.verify(requester_hook.secret, theirs.received[0][0]["Portal-Signature"], theirs.received[0][1])

        resolve_dispute(world.coordinator, lecture, SETTLED)
        db.session.commit()
        assert delivery.deliver_due() == 1  # only the owner's webhook asked for exchange.resolved
        assert [name for name, _body in events_of(ours)] == ["exchange.disputed", "exchange.resolved"]
        feedback = events_of(ours)[1][1]["data"]["exchange"]["feedback"]
        assert feedback["state"] == "resolved" and feedback["counted"]["value_eur"] == 88
        resolution = feedback["resolution"]
        assert (resolution["note"], resolution["resolved_by"]["id"]) == (NOTE, world.coordinator.id)
        assert len(theirs.received) == 1, "the requester's webhook did not ask for exchange.resolved"
    assert not_asked.received == [], "a side's webhook that asked for other events"
    assert outsider.received == [], "another organization's webhook (the coordinators' own) gets nothing"


def test_the_webhooks_page_and_the_openapi_document_name_the_new_events(app, world):
    page = client_for(app, world.representative).get(f"/orgs/{world.org.id}/webhooks?lang=en").get_data(as_text=True)
    assert 'value="exchange.disputed"' in page and "Exchange disputed (the two sides’ accounts differ)" in page
    assert 'value="exchange.resolved"' in page and "Disputed exchange settled by a coordinator" in page
    page = client_for(app, world.representative).get(f"/orgs/{world.org.id}/webhooks?lang=lv").get_data(as_text=True)
    assert "Apmaiņa strīdā (abu pušu apstiprinājumi atšķiras)" in page
    assert "Koordinācija atrisināja strīdu par apmaiņu" in page
    with app.test_request_context():
        section = webhooks_section()
    assert "come to differ" in section["exchange.disputed"]["post"]["description"]
    assert "feedback.resolution" in section["exchange.resolved"]["post"]["description"]
