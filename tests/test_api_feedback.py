"""Feedback after an exchange through /api/v1/: each side's confirmation, the state and the figures that count (and
a coordinator's settlement) in the exchange the API returns; a read-write token confirms as the page's form does,
through the same rule, its refusals field by field."""
from decimal import Decimal

import pytest

from portal.exchanges.confirmations import Figures, give_feedback
from portal.exchanges.models import AGREED, DISPUTED, Exchange
from portal.exchanges.resolutions import Settlement, resolve_dispute
from portal.extensions import db

from .factories import make_token
from .test_api import PROBLEM, api
from .test_exchange_feedback import accepted_lecture, completed


@pytest.fixture
def lecture(world):
    """B's volunteers priced by the hour, used by C yesterday and completed by C: 3 people, 12 h, 96 EUR."""
    return completed(accepted_lecture(world), world.other_member, feedback="Paldies!")


def test_the_exchange_carries_both_sides_confirmations_and_what_counts(app, world, lecture):
    body = api(app, make_token(world.member)).get(f"/api/v1/exchanges/{lecture.id}").json
    feedback = body["feedback"]
    assert feedback["state"] == "one_side" and feedback["owner"] is None and feedback["resolution"] is None
    assert feedback["requester"]["organization"]["id"] == world.other_org.id
    assert (feedback["requester"]["outcome"], feedback["requester"]["comment"]) == ("as_agreed", "Paldies!")
    assert feedback["requester"]["given_by"]["id"] == world.other_member.id
    assert feedback["counted"] == {"quantity": 3, "hours": 12.0, "value_units": 12.0, "value_eur": 96.0}
    assert feedback["open_until"] is not None
    listed = api(app, make_token(world.other_member)).get("/api/v1/exchanges").json["items"]
    assert next(e for e in listed if e["id"] == lecture.id)["feedback"]["state"] == "one_side"
    before = api(app, make_token(world.member)).get(f"/api/v1/exchanges/{world.exchange.id}").json["feedback"]
    assert before == {"state": "", "open_until": None, "owner": None, "requester": None, "resolution": None,
                      "counted": {"quantity": None, "hours": None, "value_units": None, "value_eur": None}}


def test_a_read_write_token_confirms_as_the_page_does(app, world, lecture):
    client = api(app, make_token(world.representative, "read_write"))
    response = client.post(f"/api/v1/exchanges/{lecture.id}/feedback",
                           json={"outcome": "as_agreed", "quantity": 3, "value_units": 10, "value_eur": 80.5,
                                 "comment": "Bija 10 stundas.\x00"})
    assert response.status_code == 200, response.json
    feedback = response.json["feedback"]
    assert feedback["state"] == DISPUTED and feedback["owner"]["comment"] == "Bija 10 stundas."
    assert feedback["counted"] == {"quantity": 3, "hours": 10.0, "value_units": 10.0, "value_eur": 80.5}
    db.session.expire_all()
    assert db.session.get(Exchange, lecture.id).feedback_state == DISPUTED
    again = client.post(f"/api/v1/exchanges/{lecture.id}/feedback",
                        json={"outcome": "as_agreed", "quantity": 3, "value_units": 12, "value_eur": 96})
    assert again.json["feedback"]["state"] == AGREED


def test_refusals_name_every_field(app, world, lecture):
    world.representative.locale = "en"
    db.session.commit()
    client = api(app, make_token(world.representative, "read_write"))
    invalid = client.post(f"/api/v1/exchanges/{lecture.id}/feedback",
                          json={"outcome": "maybe", "quantity": 0, "value_eur": -1, "hours": "x"})
    assert invalid.status_code == 422 and invalid.content_type == PROBLEM
    assert {"outcome", "quantity", "value_eur", "hours"} <= set(invalid.json["errors"])
    rule = client.post(f"/api/v1/exchanges/{lecture.id}/feedback",
                       json={"outcome": "not_as_agreed", "quantity": 9, "value_units": 5000})
    assert rule.status_code == 422
    assert set(rule.json["errors"]) == {"comment", "quantity", "value_units"}, rule.json
    largest = client.post(f"/api/v1/exchanges/{lecture.id}/feedback",
                          json={"outcome": "as_agreed", "quantity": 5, "value_units": 2000, "value_eur": 10_000_000})
    assert largest.status_code == 200 and largest.json["feedback"]["owner"]["value_eur"] == 10_000_000


def test_a_settled_dispute_shows_the_resolution_and_refuses_changes(app, world, lecture):
    give_feedback(world.representative, lecture, Figures("as_agreed", 3, None, Decimal("10"), Decimal("80")))
    resolve_dispute(world.coordinator, lecture, Settlement("as_agreed", 3, None, Decimal("11"), Decimal("88"),
                                                           "Vienojāmies."))
    db.session.commit()
    client = api(app, make_token(world.other_member, "read_write"))
    feedback = client.get(f"/api/v1/exchanges/{lecture.id}").json["feedback"]
    assert feedback["state"] == "resolved" and feedback["open_until"] is None
    assert feedback["resolution"]["note"] == "Vienojāmies." and feedback["resolution"]["outcome"] == "as_agreed"
    assert feedback["resolution"]["resolved_by"]["id"] == world.coordinator.id
    assert feedback["counted"]["value_eur"] == 88.0 and feedback["resolution"]["value_eur"] == 88.0
    refused = client.post(f"/api/v1/exchanges/{lecture.id}/feedback", json={"outcome": "as_agreed"})
    assert refused.status_code == 422 and refused.content_type == PROBLEM


def test_the_coordinators_token_does_not_read_another_organizations_exchange(app, world, lecture):
    assert api(app, make_token(world.coordinator)).get(f"/api/v1/exchanges/{lecture.id}").status_code == 404
