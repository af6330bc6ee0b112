"""The catalogue through the web: publishing, editing, pausing, archiving; who may change and see what."""
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.orgs.models import SUSPENDED
from portal.resources import services as catalogue
from portal.resources.models import Need, Resource, ResourcePhoto

from .factories import make_resource, small_jpeg
from .helpers import client_for


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def page(response) -> str:
    return response.get_data(as_text=True)


def newest(model=Resource):
    return db.session.scalars(select(model).order_by(model.id.desc())).first()


def fresh(entry):
    db.session.expire_all()
    return db.session.get(type(entry), entry.id)


def flashes(html: str, category: str) -> list[str]:
    return [m.strip() for m in re.findall(rf'<div class="flash {category}"[^>]*>(.*?)</div>', html, re.S)]


def checked(html: str, name: str) -> set[str]:
    """The values of the checked checkboxes called `name`."""
    values = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked(\s|>|=)", tag):
            values.add(re.search(r'value="([^"]*)"', tag).group(1))
    return values


RESOURCE_FORM = {
    "kind": "intellectual", "category": "training", "title": "Projektu rakstīšanas darbnīca “Ideja”",
    "description": "Praktiska darbnīca: no idejas līdz pieteikumam Eiropas fondiem. Ņemiet līdzi klēpjdatoru.",
    "municipality": "rezekne", "location": "Atbrīvošanas aleja 93, Rēzekne", "quantity": "25",
    "unit": "dalībnieki", "languages": ["lv", "ltg", "ru"], "terms": "reciprocal",
    "availability": "Sestdienās no oktobra līdz decembrim", "visibility": "public", "format": "hybrid",
    "audience": "NVO valdes locekļi", "handover": "", "value_eur": "35.50", "value_unit": "hour",
    "licence": "CC-BY-SA-4.0",
}


def resource_form(**overrides) -> dict:
    return {**RESOURCE_FORM, **overrides}


@pytest.fixture
def member(app, world):
    c = client_for(app, world.member)
    c.get("/?lang=en")  # messages in English: the assertions read them
    return c


@pytest.fixture
def other(app, world):
    c = client_for(app, world.other_member)
    c.get("/?lang=en")
    return c


@pytest.fixture
def visitor(app, world):
    return client_for(app, None)


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


# ---------------------------------------------------------------- editing and states

def test_the_owner_org_edits(member, world):
    html = page(member.get(f"/resources/{world.resource.id}/edit"))
    assert 'value="Konferenču zāle “Dzerkaļi”"' in html
    assert checked(html, "languages") == {"lv", "ltg"}
    response = member.post(f"/resources/{world.resource.id}/edit", data=resource_form(
        kind="material", category="premises", title="Konferenču zāle “Spogulis”", handover="with_operator",
        languages=["lv", "en"], quantity="60", value_eur="20", value_unit="hour"))
    assert response.status_code == 302 and response.headers["Location"] == f"/resources/{world.resource.id}"
    edited = fresh(world.resource)
    assert (edited.title, edited.quantity, edited.languages) == ("Konferenču zāle “Spogulis”", 60, "lv,en")
    assert (edited.value_eur, edited.value_unit) == (Decimal("20.00"), "hour")
    assert (edited.org_id, edited.created_by_id) == (world.org.id, world.representative.id)
    assert flashes(page(member.get(f"/resources/{world.resource.id}")), "success") == ["Saved."]
    assert "Konferenču zāle “Spogulis”" in page(member.get("/resources?q=spogulis"))


def test_a_refused_edit_changes_nothing(member, world):
    html = page(member.post(f"/resources/{world.resource.id}/edit", data=resource_form(
        kind="material", category="training", title="Cits nosaukums")))
    assert 'data-field="category"' in html and 'value="Cits nosaukums"' in html
    assert fresh(world.resource).title == "Konferenču zāle “Dzerkaļi”"


def test_the_owner_edits_a_need(member, world):
    response = member.post(f"/needs/{world.need.id}/edit", data=resource_form(title="Meklējam lektori"))
    assert response.status_code == 302
    assert fresh(world.need).title == "Meklējam lektori"


def change_state(client, entry, state, section="resources"):
    return client.post(f"/{section}/{entry.id}/state", data={"state": state})


def test_pause_archive_and_activate_again(app, member, other, visitor, world):
    resource = world.resource
    url = f"/resources/{resource.id}"

    # Paused: gone from the catalogue, 404 for other orgs, still there for its own.
    response = change_state(member, resource, "paused")
    assert response.status_code == 302 and response.headers["Location"] == url
    assert fresh(resource).state == "paused"
    html = page(member.get(url))
    assert "Paused: hidden from the catalogue until you activate it." in flashes(html, "success")
    assert "Dzerkaļi" not in page(other.get("/resources"))
    assert "Dzerkaļi" not in page(other.get("/resources?q=dzerkali"))
    assert "Dzerkaļi" not in page(member.get("/resources?q=dzerkali"))
    assert other.get(url).status_code == 404
    assert visitor.get(url).status_code == 404
    assert member.get(url).status_code == 200
    assert client_for(app, world.representative).get(url).status_code == 200
    assert "Konferenču zāle “Dzerkaļi”" in page(member.get(f"/orgs/{world.org.id}"))
    assert "Dzerkaļi" not in page(other.get(f"/orgs/{world.org.id}"))

    # Archived.
    change_state(member, resource, "archived")
    assert fresh(resource).state == "archived"
    assert "Archived: hidden from the catalogue, kept for the record." in flashes(page(member.get(url)), "success")
    assert other.get(url).status_code == 404
    assert member.get(url).status_code == 200
    assert "Dzerkaļi" not in page(other.get("/resources?q=dzerkali"))

    # Archived → paused is not a step there is.
    change_state(member, resource, "paused")
    assert fresh(resource).state == "archived"
    assert flashes(page(member.get(url)), "error") == ["This change is not possible in the current state."]

    # Active again.
    change_state(member, resource, "active")
    assert fresh(resource).state == "active"
    assert "It is active again and shown in the catalogue." in flashes(page(member.get(url)), "success")
    assert other.get(url).status_code == 200
    assert "Konferenču zāle “Dzerkaļi”" in page(other.get("/resources?q=dzerkali"))


def test_the_manage_box_offers_the_possible_steps_only(member, world):
    def buttons():
        html = page(member.get(f"/resources/{world.resource.id}"))
        return re.findall(r'name="state" value="(\w+)"', html)
    assert buttons() == ["paused", "archived"]
    change_state(member, world.resource, "paused")
    assert buttons() == ["active", "archived"]
    change_state(member, world.resource, "archived")
    assert buttons() == ["active"]


@pytest.mark.parametrize("start, target", [("active", "active"), ("paused", "paused"), ("archived", "archived"),
                                           ("archived", "paused")])
def test_impossible_state_changes_are_refused_with_a_message(member, world, start, target):
    resource = world.resource
    if start != "active":
        catalogue.change_state(world.representative, resource, start if start == "paused" else "archived")
        db.session.commit()
    change_state(member, resource, target)
    assert fresh(resource).state == start
    assert flashes(page(member.get(f"/resources/{resource.id}")), "error") == \
        ["This change is not possible in the current state."]


@pytest.mark.parametrize("state", ["deleted", "", "ACTIVE", "active "])
def test_unknown_states_are_bad_requests(member, world, state):
    assert change_state(member, world.resource, state).status_code == 400
    assert fresh(world.resource).state == "active"


def test_needs_pause_and_archive_too(member, other, world):
    url = f"/needs/{world.need.id}"
    change_state(member, world.need, "paused", "needs")
    assert fresh(world.need).state == "paused"
    assert other.get(url).status_code == 404 and member.get(url).status_code == 200
    assert "Meklējam lektoru" not in page(other.get("/needs"))
    change_state(member, world.need, "archived", "needs")
    change_state(member, world.need, "active", "needs")
    assert fresh(world.need).state == "active"
    assert other.get(url).status_code == 200


@pytest.mark.parametrize("method, path", [
    ("POST", "/resources/{id}/delete"),
    ("GET", "/resources/{id}/delete"),
    ("DELETE", "/resources/{id}"),
    ("POST", "/resources/{id}"),
    ("PUT", "/resources/{id}"),
    ("DELETE", "/resources/{id}/edit"),
    ("POST", "/resources/{id}/remove"),
    ("POST", "/resources/{id}/archive/delete"),
    ("DELETE", "/needs/{need}"),
    ("POST", "/needs/{need}/delete"),
    ("POST", "/needs/{need}"),
])
def test_there_is_no_way_to_delete_an_entry(member, world, method, path):
    before = (count(Resource), count(Need))
    url = path.format(id=world.resource.id, need=world.need.id)
    response = member.open(url, method=method, data={})
    assert response.status_code in (404, 405), response.status_code
    assert (count(Resource), count(Need)) == before
    assert not hasattr(catalogue, "delete") and not hasattr(catalogue, "delete_entry")


# ---------------------------------------------------------------- who may change

def test_a_member_of_a_suspended_org_only_reads(app, world):
    world.org.state = SUSPENDED
    db.session.commit()
    c = client_for(app, world.member)
    before = (count(Resource), count(Need), count(ResourcePhoto))
    photo = world.public_resource.photos[0]
    assert c.get("/resources/new").status_code == 403
    assert c.post("/resources/new", data=resource_form()).status_code == 403
    assert c.get("/needs/new").status_code == 403
    assert c.post("/needs/new", data=resource_form()).status_code == 403
    assert c.get(f"/resources/{world.resource.id}/edit").status_code == 403
    assert c.post(f"/resources/{world.resource.id}/edit", data=resource_form(title="X")).status_code == 403
    assert c.post(f"/needs/{world.need.id}/edit", data=resource_form(title="X")).status_code == 403
    assert c.post(f"/resources/{world.resource.id}/state", data={"state": "paused"}).status_code == 403
    assert c.post(f"/needs/{world.need.id}/state", data={"state": "paused"}).status_code == 403
    assert c.post(f"/resources/{world.resource.id}/photos", content_type="multipart/form-data",
                  data={"photo": (io.BytesIO(small_jpeg()), "a.jpg")}).status_code == 403
    assert c.post(f"/resources/{world.public_resource.id}/photos/{photo.id}/delete").status_code == 403
    assert (count(Resource), count(Need), count(ResourcePhoto)) == before
    assert fresh(world.resource).title == "Konferenču zāle “Dzerkaļi”" and fresh(world.resource).state == "active"
    # Reading still works, without the buttons that would fail.
    html = page(c.get(f"/resources/{world.resource.id}"))
    assert "Konferenču zāle “Dzerkaļi”" in html and f"/resources/{world.resource.id}/edit" not in html
    assert 'href="/resources/new"' not in page(c.get("/resources"))


@pytest.mark.parametrize("who", ["other_member", "other_representative", "coordinator"])
def test_another_org_cannot_change_an_entry_and_learns_nothing(app, world, who):
    c = client_for(app, getattr(world, who))
    resource, need, photo = world.resource, world.need, world.public_resource.photos[0]
    before = (count(Resource), count(Need), count(ResourcePhoto))
    attempts = [
        c.get(f"/resources/{resource.id}/edit"),
        c.post(f"/resources/{resource.id}/edit", data=resource_form(title="Pārņemts")),
        c.post(f"/resources/{world.public_resource.id}/edit", data=resource_form(title="Pārņemts")),
        c.post(f"/resources/{resource.id}/state", data={"state": "archived"}),
        c.post(f"/resources/{world.paused_resource.id}/state", data={"state": "active"}),
        c.get(f"/needs/{need.id}/edit"),
        c.post(f"/needs/{need.id}/edit", data=resource_form(title="Pārņemts")),
        c.post(f"/needs/{need.id}/state", data={"state": "archived"}),
        c.post(f"/resources/{resource.id}/photos", content_type="multipart/form-data",
               data={"photo": (io.BytesIO(small_jpeg()), "a.jpg")}),
        c.post(f"/resources/{world.public_resource.id}/photos/{photo.id}/delete"),
        c.post("/resources/99999/edit", data=resource_form()),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert (count(Resource), count(Need), count(ResourcePhoto)) == before
    assert [fresh(e).title for e in (resource, world.public_resource, need)] == \
        ["Konferenču zāle “Dzerkaļi”", "Projektors un ekrāns", "Meklējam lektoru"]
    assert [fresh(e).state for e in (resource, world.paused_resource, need)] == ["active", "paused", "active"]


def test_a_visitor_cannot_reach_a_network_only_resource_or_its_photos(app, world, visitor):
    photo = catalogue.add_photo(world.representative, world.resource, small_jpeg((20, 40, 200)))
    db.session.commit()
    for url in (f"/resources/{world.resource.id}",
                f"/resources/{world.resource.id}/photos/{photo.id}/thumb.jpg",
                f"/resources/{world.resource.id}/photos/{photo.id}/full.jpg",
                f"/needs/{world.need.id}",
                f"/resources/{world.paused_resource.id}"):
        response = visitor.get(url)
        assert response.status_code == 404, url
        assert "Dzerkaļi" not in page(response) and "image/jpeg" not in response.content_type
    # The same photo through a public resource's URL is not the way in either.
    assert visitor.get(f"/resources/{world.public_resource.id}/photos/{photo.id}/thumb.jpg").status_code == 404
    # Members of the network see it.
    member_of_other_org = client_for(app, world.other_member)
    assert member_of_other_org.get(f"/resources/{world.resource.id}").status_code == 200
    assert member_of_other_org.get(f"/resources/{world.resource.id}/photos/{photo.id}/thumb.jpg").status_code == 200


def test_a_paused_public_resource_and_its_photos_are_hidden_from_outside(app, world, visitor):
    photo = world.public_resource.photos[0]
    url = f"/resources/{world.public_resource.id}"
    assert visitor.get(f"{url}/photos/{photo.id}/thumb.jpg").status_code == 200
    catalogue.change_state(world.representative, world.public_resource, "paused")
    db.session.commit()
    for client in (visitor, client_for(app, world.other_member)):
        assert client.get(url).status_code == 404
        assert client.get(f"{url}/photos/{photo.id}/thumb.jpg").status_code == 404
        assert client.get(f"{url}/photos/{photo.id}/full.jpg").status_code == 404
    assert client_for(app, world.member).get(f"{url}/photos/{photo.id}/thumb.jpg").status_code == 200


# ---------------------------------------------------------------- the organization's page

def test_the_org_page_lists_its_resources_and_needs(app, world, visitor, other, member):
    public_need = make_resource(world.representative, model=Need, title="Meklējam brīvprātīgos", kind="intellectual",
                                category="volunteers", handover="", visibility="public")
    db.session.commit()
    url = f"/orgs/{world.org.id}"
    shown = page(visitor.get(url))
    assert "Projektors un ekrāns" in shown and public_need.title in shown
    for hidden in ("Konferenču zāle “Dzerkaļi”", "Mikroautobuss", "Meklējam lektoru"):
        assert hidden not in shown, hidden
    shown = page(other.get(url))
    for title in ("Projektors un ekrāns", "Konferenču zāle “Dzerkaļi”", "Meklējam lektoru", public_need.title):
        assert title in shown, title
    assert "Mikroautobuss" not in shown
    shown = page(member.get(url))
    for title in ("Projektors un ekrāns", "Konferenču zāle “Dzerkaļi”", "Meklējam lektoru", "Mikroautobuss"):
        assert title in shown, title
    assert "Paused" in shown  # the paused one is marked
    # Links lead to the entries.
    assert f'href="/resources/{world.public_resource.id}"' in page(visitor.get(url))
    assert f'href="/needs/{public_need.id}"' in page(visitor.get(url))
    # Another org's page does not list them.
    assert "Projektors un ekrāns" not in page(visitor.get(f"/orgs/{world.other_org.id}"))


# ---------------------------------------------------------------- the canary

CANARY = "Zvirbulēns7731"


def typed_query_removed(html: str) -> str:
    """The page without the places that repeat the visitor's own query back to them: the search box, the
    language switch's links (this page in the other language) and "Nothing matches “…”"."""
    html = re.sub(r'<input id="q"[^>]*>', "", html)
    html = re.sub(r'<a class="lang" href="[^"]*"', '<a class="lang"', html)
    return re.sub(r"Nothing matches “[^”]*”|Vārdiem „[^”]*”", "", html)


def test_a_network_only_title_never_reaches_a_visitor(app, world):
    secret = make_resource(world.representative, title=f"{CANARY} projektors un ekrāns", category="equipment",
                           description=f"{CANARY}: projektors, ekrāns, zāle semināriem. Baltā māja.")
    catalogue.add_photo(world.representative, secret, small_jpeg((1, 2, 3)))
    make_resource(world.other_member, model=Need, title=f"{CANARY} meklē projektoru", category="equipment",
                  description="Projektors un ekrāns semināram, zāle.")
    for state in ("paused", "archived"):
        hidden = make_resource(world.representative, title=f"{CANARY} {state}", category="equipment",
                               visibility="public", description="Projektors un ekrāns.")
        catalogue.change_state(world.representative, hidden, state)
    public_need = make_resource(world.other_member, model=Need, title="Meklējam projektoru un ekrānu",
                                category="equipment", visibility="public", description="Projektors un ekrāns.")
    db.session.commit()
    folded = "zvirbulens7731"

    # It is really there for the network.
    assert CANARY in page(client_for(app, world.other_member).get("/resources?q=zvirbulens"))

    visitor = client_for(app, None)
    pages = [
        "/", "/?lang=en", "/resources", "/resources?lang=en", "/needs", "/orgs",
        f"/orgs/{world.org.id}", f"/orgs/{world.other_org.id}",
        f"/resources?q={folded}", f"/resources?q={CANARY}", f"/needs?q={folded}", "/resources?q=projektors",
        "/resources?q=projektors+ekrans&sort=title", "/needs?q=projektoru", "/resources?q=balta+maja",
        f"/resources?org={world.org.id}", f"/resources?org={world.org.id}&q=zale", f"/needs?org={world.other_org.id}",
        "/resources?sort=title", "/resources?sort=newest", "/needs?sort=title", "/resources?page=2",
        "/resources?kind=material&category=equipment", "/resources?language=lv&terms=cost_sharing",
        f"/resources/{world.public_resource.id}", f"/needs/{public_need.id}",
        f"/resources/{secret.id}", f"/resources/{secret.id}/edit", f"/needs/{world.need.id}",
        "/login", "/apply",
    ]
    for url in pages:
        response = visitor.get(url)
        assert response.status_code in (200, 302, 404), url
        html = typed_query_removed(page(response))
        assert CANARY not in html and folded not in html.lower(), url
        assert "Dzerkaļi" not in html, url

