"""The catalogue through the web, publishing: the form offers every field, a member publishes an
intellectual or a material resource (the value optional), bad input is marked next to its field with the
typing kept and messages that say what to do, unknown fields are ignored, and a need has the same shape."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.resources.models import Need, Resource

from .catalogue_helpers import RESOURCE_FORM, checked, count, flashes, page, resource_form
from .catalogue_helpers import member  # noqa: F401  (fixtures)


def newest(model=Resource):
    return db.session.scalars(select(model).order_by(model.id.desc())).first()


# ---------------------------------------------------------------- publishing

def test_the_form_offers_every_field(member):
    html = page(member.get("/resources/new"))
    for name in ("kind", "category", "title", "description", "municipality", "location", "quantity", "unit",
                 "languages", "terms", "availability", "visibility", "format", "audience", "handover",
                 "value_eur", "value_unit", "licence", "csrf_token"):
        assert f'name="{name}"' in html, name
    assert html.count('name="languages"') == 8 and checked(html, "languages") == {"lv"}
    for code in ("free", "cost_sharing", "reciprocal", "network", "public", "hour", "day", "unit", "CC-BY-4.0"):
        assert f'value="{code}"' in html, code


def test_a_member_publishes_an_intellectual_resource_with_every_field(member, world):
    before = count(Resource)
    response = member.post("/resources/new", data=resource_form())
    assert response.status_code == 302
    made = newest()
    assert count(Resource) == before + 1
    assert response.headers["Location"] == f"/resources/{made.id}"
    assert (made.kind, made.category, made.title) == ("intellectual", "training", RESOURCE_FORM["title"])
    assert made.description == RESOURCE_FORM["description"]
    assert (made.municipality, made.location) == ("rezekne", "Atbrīvošanas aleja 93, Rēzekne")
    assert (made.quantity, made.unit) == (25, "dalībnieki")
    assert made.language_codes == ["lv", "ltg", "ru"]
    assert (made.terms, made.visibility, made.availability) == ("reciprocal", "public", RESOURCE_FORM["availability"])
    assert (made.format, made.audience, made.handover) == ("hybrid", "NVO valdes locekļi", "")
    assert (made.value_eur, made.value_unit, made.licence) == (Decimal("35.50"), "hour", "CC-BY-SA-4.0")
    assert (made.org_id, made.created_by_id, made.state) == (world.org.id, world.member.id, "active")

    html = page(member.get(f"/resources/{made.id}"))
    for text in ("Projektu rakstīšanas darbnīca “Ideja”", "NVO valdes locekļi", "Creative Commons BY-SA 4.0",
                 "Sestdienās no oktobra līdz decembrim", "Latvian, Latgalian, Russian", "Reciprocal",
                 "25 dalībnieki", "35.50", "per hour", "Baltā māja"):
        assert text in html, text
    assert flashes(html, "success") == ["Published."]


def test_a_material_resource_keeps_only_material_details(member):
    member.post("/resources/new", data=resource_form(
        kind="material", category="premises", title="Zāle ar skatuvi", handover="with_operator",
        format="online", audience="Jaunieši", licence="CC0-1.0", value_eur="15", value_unit="day",
        languages=["lv"]))
    made = newest()
    assert (made.kind, made.handover) == ("material", "with_operator")
    assert (made.format, made.audience, made.licence) == ("", "", "")
    assert (made.value_eur, made.value_unit) == (Decimal("15.00"), "day")
    assert made.languages == "lv"


def test_the_value_is_optional(member):
    member.post("/resources/new", data=resource_form(value_eur="", value_unit="hour"))
    made = newest()
    assert made.value_eur is None and made.value_unit == ""
    assert "In-kind value" not in page(member.get(f"/resources/{made.id}"))


@pytest.mark.parametrize("changes, field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": ""}, "description"),
    ({"description": " \n\t "}, "description"),
    ({"kind": "material", "category": "training"}, "category"),
    ({"kind": "intellectual", "category": "premises"}, "category"),
    ({"category": "spaceship"}, "category"),
    ({"kind": "both"}, "kind"),
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "-3"}, "quantity"),
    ({"quantity": "abc"}, "quantity"),
    ({"quantity": ""}, "quantity"),
    ({"quantity": "2.5"}, "quantity"),
    ({"value_eur": "10", "value_unit": ""}, "value_unit"),
    ({"value_eur": "-5", "value_unit": "hour"}, "value_eur"),
    ({"value_eur": "abc", "value_unit": "hour"}, "value_eur"),
    ({"value_unit": "week", "value_eur": "3"}, "value_unit"),
    ({"languages": []}, "languages"),
    ({"languages": ["xx"]}, "languages"),
    ({"municipality": "mars"}, "municipality"),
    ({"terms": "gratis"}, "terms"),
    ({"visibility": "everyone"}, "visibility"),
    ({"licence": "GPL-3.0"}, "licence"),
    ({"format": "telepathy"}, "format"),
    ({"handover": "teleport", "kind": "material", "category": "equipment"}, "handover"),
], ids=lambda v: v if isinstance(v, str) else "&".join(f"{k}={str(x)[:8]!r}" for k, x in v.items()))
def test_bad_input_is_marked_next_to_its_field_and_the_typing_kept(member, changes, field):
    before = count(Resource)
    data = resource_form(**changes)
    response = member.post("/resources/new", data=data)
    assert response.status_code == 200
    html = page(response)
    assert f'data-field="{field}"' in html
    assert re.search(rf'<div class="field has-error">\s*<label for="{field}"', html) or field == "languages"
    assert "There is a problem" in html
    if field != "title":
        assert f'value="{RESOURCE_FORM["title"]}"' in html
    if field != "description":
        assert RESOURCE_FORM["description"] in html
    if field != "languages":
        assert checked(html, "languages") == {"lv", "ltg", "ru"}
    assert count(Resource) == before, "nothing may be stored"


@pytest.mark.parametrize("changes, message", [
    ({"quantity": "0"}, "Enter a whole number, 1 or more."),
    ({"quantity": "abc"}, "Enter a whole number, 1 or more."),
    ({"value_eur": "10", "value_unit": ""}, "Say what the value is per: hour, day or unit."),
    ({"value_eur": "-5"}, "Enter an amount of 0 or more."),
    ({"kind": "material", "category": "training"}, "Choose a category of this kind."),
    ({"languages": []}, "Choose at least one language."),
])
def test_the_messages_say_what_to_do(member, changes, message):
    html = page(member.post("/resources/new", data=resource_form(**changes)))
    assert message in html


def test_fields_the_form_does_not_have_are_ignored(member, world):
    member.post("/resources/new", data=resource_form(
        org_id=str(world.other_org.id), state="archived", created_by_id=str(world.other_member.id),
        id="999", search_facets="vispublic stateactive", sort_key="aaa", created_at="2001-01-01"))
    made = newest()
    assert made.id != 999
    assert (made.org_id, made.state, made.created_by_id) == (world.org.id, "active", world.member.id)
    assert "stateactive" in made.search_facets and made.sort_key != "aaa"
    assert made.created_at.year > 2001


def test_a_need_is_posted_with_the_same_shape(member, world):
    before = count(Need)
    response = member.post("/needs/new", data=resource_form(
        kind="material", category="vehicle", title="Meklējam mikroautobusu", handover="pickup",
        visibility="network", languages=["lv", "ru"], value_eur="5", value_unit="day", licence="CC0-1.0"))
    assert response.status_code == 302
    made = newest(Need)
    assert count(Need) == before + 1 and response.headers["Location"] == f"/needs/{made.id}"
    assert (made.title, made.kind, made.category, made.handover) == ("Meklējam mikroautobusu", "material", "vehicle",
                                                                     "pickup")
    assert (made.org_id, made.created_by_id, made.languages) == (world.org.id, world.member.id, "lv,ru")
    assert not hasattr(made, "value_eur")
    html = page(member.post("/needs/new", data=resource_form(title="")))
    assert 'data-field="title"' in html and count(Need) == before + 1
    assert "Meklējam mikroautobusu" in page(member.get(f"/needs/{made.id}"))
