"""What a read-write token does through /api/v1/: request an exchange, answer a request, post a message,
publish again or pause a resource — through the same rules as the pages — and the rate limit per token."""
from datetime import date, timedelta

from sqlalchemy import select

from portal.exchanges.models import ACCEPTED, DECLINED, Exchange, ExchangeMessage
from portal.extensions import db
from portal.notifications.models import Notification

from .factories import bearer, make_token
from .test_api import PROBLEM, api


def later(days):
    return (date.today() + timedelta(days=days)).isoformat()


REQUEST = {"starts_on": later(40), "ends_on": later(41), "quantity": 2, "purpose": "Seminārs\nvaldei",
           "message": "Labdien!\x00"}


def test_a_read_write_token_requests_an_exchange_as_its_person(app, world):
    client = api(app, make_token(world.other_member, "read_write"))
    response = client.post(f"/api/v1/resources/{world.resource.id}/exchanges", json=REQUEST)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "requested" and body["requester"]["id"] == world.other_org.id
    assert body["purpose"] == "Seminārs valdei" and body["requested_by"]["id"] == world.other_member.id
    exchange = db.session.get(Exchange, body["id"])
    assert exchange.messages[0].body == "Labdien!"
    assert db.session.scalar(select(Notification).where(Notification.user_id == world.representative.id))


def test_refused_requests_name_every_field_in_the_owners_language(app, world):
    world.other_member.locale = "en"
    db.session.commit()
    client = api(app, make_token(world.other_member, "read_write"))
    invalid = client.post(f"/api/v1/resources/{world.resource.id}/exchanges",
                          json={"starts_on": "someday", "quantity": 0, "purpose": ""})
    assert invalid.status_code == 422 and invalid.content_type == PROBLEM
    assert {"starts_on", "ends_on", "quantity", "purpose"} <= set(invalid.json["errors"])
    past = client.post(f"/api/v1/resources/{world.resource.id}/exchanges",
                       json={**REQUEST, "starts_on": "2020-01-01", "ends_on": "2020-01-02"})
    assert past.status_code == 422
    assert past.json["errors"] == {"starts_on": ["The period cannot start in the past."]}
    own = api(app, make_token(world.member, "read_write")).post(
        f"/api/v1/resources/{world.resource.id}/exchanges", json=REQUEST)
    assert own.status_code == 403 and own.json["title"] == "Nav atļauts"


def test_a_read_token_only_reads(app, world):
    client = api(app, make_token(world.representative, "read"))
    for url, body in ((f"/api/v1/exchanges/{world.exchange.id}/answer", {"decision": "accept"}),
                      (f"/api/v1/exchanges/{world.exchange.id}/messages", {"body": "Sveiki"}),
                      (f"/api/v1/resources/{world.resource.id}/state", {"state": "paused"})):
        response = client.post(url, json=body)
        assert response.status_code == 403 and response.content_type == PROBLEM, url
    assert db.session.get(Exchange, world.exchange.id).state == "requested"


def test_the_owner_answers_and_the_requester_cannot(app, world):
    requester = api(app, make_token(world.other_member, "read_write"))
    assert requester.post(f"/api/v1/exchanges/{world.exchange.id}/answer",
                          json={"decision": "accept"}).status_code == 403
    owner = api(app, make_token(world.member, "read_write"))
    no_reason = owner.post(f"/api/v1/exchanges/{world.exchange.id}/answer", json={"decision": "decline"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    accepted = owner.post(f"/api/v1/exchanges/{world.exchange.id}/answer", json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json["state"] == ACCEPTED
    again = owner.post(f"/api/v1/exchanges/{world.exchange.id}/answer", json={"decision": "decline",
                                                                            "reason": "Aizņemts"})
    assert again.status_code == 422 and db.session.get(Exchange, world.exchange.id).state == ACCEPTED
    assert DECLINED not in {e.state for e in db.session.scalars(select(Exchange))}


def test_messages_go_to_the_thread_of_the_two_organizations_only(app, world):
    response = api(app, make_token(world.other_member, "read_write")).post(
        f"/api/v1/exchanges/{world.exchange.id}/messages", json={"body": "Vai der piektdien?"})
    assert response.status_code == 201 and response.json["organization"]["id"] == world.other_org.id
    outsider = api(app, make_token(world.coordinator, "read_write")).post(
        f"/api/v1/exchanges/{world.exchange.id}/messages", json={"body": "Es arī"})
    assert outsider.status_code == 404
    assert [m.body for m in db.session.scalars(select(ExchangeMessage))] == ["Vai der piektdien?"]


def test_pausing_and_publishing_again_a_resource(app, world):
    owner = api(app, make_token(world.member, "read_write"))
    paused = owner.post(f"/api/v1/resources/{world.resource.id}/state", json={"state": "paused"})
    assert paused.status_code == 200 and paused.json["state"] == "paused"
    assert api(app, make_token(world.other_member)).get(f"/api/v1/resources/{world.resource.id}").status_code == 404
    assert owner.post(f"/api/v1/resources/{world.resource.id}/state", json={"state": "active"}).json["state"] == \
        "active"
    other = api(app, make_token(world.other_member, "read_write"))
    assert other.post(f"/api/v1/resources/{world.resource.id}/state", json={"state": "paused"}).status_code == 404


def test_a_logged_in_browser_cannot_act_through_the_api(app, world):
    from .helpers import client_for

    browser = client_for(app, world.member)
    response = browser.post(f"/api/v1/exchanges/{world.exchange.id}/answer", json={"decision": "accept"})
    assert response.status_code == 401
    form_post = browser.post(f"/api/v1/resources/{world.resource.id}/state", data={"state": "paused"})
    assert form_post.status_code == 401
    assert db.session.get(Exchange, world.exchange.id).state == "requested"


def test_each_token_has_its_own_rate_limit_with_ratelimit_headers(app, world):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = make_token(world.member), make_token(world.member)
    client = app.test_client(use_cookies=False)
    answers = [client.get("/api/v1/me", headers=bearer(first)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Limit"] == "3" and answers[0].headers["RateLimit-Remaining"] == "2"
    assert answers[0].headers["RateLimit-Policy"] == "3;w=60"
    assert 0 <= int(answers[0].headers["RateLimit-Reset"]) <= 60
    assert answers[3].content_type == PROBLEM and answers[3].headers["RateLimit-Remaining"] == "0"
    assert "Retry-After" in answers[3].headers
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
