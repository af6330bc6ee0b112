"""The catalogue through the web, editing and states: the owner organization edits (a refused edit changes
nothing), pauses, archives and activates again; the manage box offers only the possible steps, impossible or
unknown state changes are refused, needs do the same, and there is no way to delete an entry."""
import re
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.resources import services as catalogue
from portal.resources.models import Need, Resource

from .catalogue_helpers import checked, count, flashes, fresh, page, resource_form
from .catalogue_helpers import member, other, visitor  # noqa: F401  (fixtures)
from .helpers import client_for


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
