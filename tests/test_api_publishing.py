"""Publishing offers and needs through /api/v1/ with a read-write token: checked by the pages' own forms,
every problem at once in the token owner's language, nothing half-written."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.resources.models import Need, Resource

from .factories import make_token
from .test_api import PROBLEM, api

OFFER = {"kind": "material", "category": "equipment", "title": "Projektors Epson\nEB-X41",
         "description": "Ar HDMI kabeli; līdz 3000 lūmeniem.", "municipality": "ludzas", "quantity": 2,
         "unit": "gab.", "languages": ["lv", "ltg"], "terms": "free", "visibility": "public",
         "handover": "pickup", "value_eur": "12.50", "value_unit": "day"}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_read_write_token_publishes_an_offer_of_its_organization(app, world):
    client = api(app, make_token(world.member, "read_write"))
    response = client.post("/api/v1/resources", json=OFFER)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["organization"]["id"] == world.org.id and body["state"] == "active"
    assert body["title"] == "Projektors Epson EB-X41"  # one line, as the form makes it
    assert body["languages"] == ["lv", "ltg"] and body["value_eur"] == 12.5
    stored = db.session.get(Resource, body["id"])
    assert stored.created_by_id == world.member.id and stored.value_unit == "day"
    found = client.get("/api/v1/resources", query_string={"q": "projektors epson"}).json
    assert body["id"] in [item["id"] for item in found["items"]]


def test_a_need_is_posted_like_on_the_page(app, world):
    need = {"kind": "intellectual", "category": "training", "title": "Grāmatvedības apmācība",
            "description": "Valdei par gada pārskatu.", "municipality": "kraslavas", "terms": "free",
            "visibility": "network", "format": "online"}
    response = api(app, make_token(world.member, "read_write")).post("/api/v1/needs", json=need)
    assert response.status_code == 201, response.json
    assert db.session.get(Need, response.json["id"]).format == "online"


def test_every_problem_of_the_entry_at_once_in_the_owners_language(app, world):
    before = count(Resource)
    client = api(app, make_token(world.member, "read_write"))
    wrong = {**OFFER, "category": "training", "title": "x" * 201, "quantity": 0, "value_eur": "-1",
             "visibility": "everyone"}
    refused = client.post("/api/v1/resources", json=wrong)
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    errors = refused.json["errors"]
    assert {"category", "title", "quantity", "value_eur", "visibility"} <= set(errors), errors
    assert errors["category"] == ["Izvēlieties šim veidam atbilstošu kategoriju."]
    assert all("field" not in message.lower() for messages in errors.values() for message in messages)
    world.member.locale = "en"
    db.session.commit()
    english = api(app, make_token(world.member, "read_write")).post("/api/v1/resources", json=wrong).json
    assert english["errors"]["category"] == ["Choose a category of this kind."]
    assert count(Resource) == before


def test_publishing_needs_a_read_write_token_of_a_member_organization(app, world):
    before = count(Resource)
    read_only = api(app, make_token(world.member, "read")).post("/api/v1/resources", json=OFFER)
    assert read_only.status_code == 403 and read_only.content_type == PROBLEM
    anonymous = api(app, None).post("/api/v1/resources", json=OFFER)
    assert anonymous.status_code == 401
    assert count(Resource) == before


def test_a_body_of_the_wrong_shape_is_refused_in_the_owners_language(app, world):
    client = api(app, make_token(world.member, "read_write"))
    refused = client.post("/api/v1/resources", json={**OFFER, "quantity": "daudz", "colour": "zils",
                                                     "title": None, "languages": [3]})
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    assert refused.json["errors"] == {"quantity": ["Ievadiet veselu skaitli."],
                                      "colour": ["Šāds lauks šeit nav zināms."],
                                      "title": ["Šis lauks nevar būt tukšs (null)."],
                                      "languages.0": ["Ievadiet tekstu."]}
    world.member.locale = "en"
    db.session.commit()
    english = api(app, make_token(world.member, "read_write")).post(
        f"/api/v1/resources/{world.resource.id}/exchanges", json={"starts_on": "2027-02-30", "quantity": 0})
    assert english.json["errors"]["starts_on"] == ["Enter a date as YYYY-MM-DD."]
    assert english.json["errors"]["quantity"] == ["Enter a number from 1 to 100000."]
    assert english.json["errors"]["purpose"] == ["This field is required."]
