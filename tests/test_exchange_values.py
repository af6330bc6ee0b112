"""An exchange's value and conditions: the default value by hours, days and units, the value edited at
completion (never negative), a material resource priced by the hour, the detail page's suggestion, and the
conditions recorded at hand-over and return (and refused when they make no sense)."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.errors import RuleViolation
from portal.exchanges import services
from portal.exchanges.models import ACCEPTED, COMPLETED, REQUESTED, ConditionRecord, Exchange
from portal.extensions import db

from .exchange_helpers import DAY0, END, START, count, in_state, new_request, page, request_form, snapshot
from .exchange_helpers import hall, lecture, requester  # noqa: F401  (fixtures)
from .factories import make_resource, small_jpeg
from .helpers import client_for


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
