"""The catalogue through the web, who may change and see what: a member of a suspended organization only
reads, another organization cannot change an entry and learns nothing, a visitor reaches no network-only or
paused resource nor its photos; the organization's page lists its resources and needs, and a network-only
title (the canary) never reaches a visitor."""
import io
import re

import pytest

from portal.extensions import db
from portal.orgs.models import SUSPENDED
from portal.resources import services as catalogue
from portal.resources.models import Need, Resource, ResourcePhoto

from .catalogue_helpers import count, fresh, page, resource_form
from .catalogue_helpers import member, other, visitor  # noqa: F401  (fixtures)
from .factories import make_resource, small_jpeg
from .helpers import client_for


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
