"""The catalogue's organization filter (a type-ahead instead of 2,000 <option>s) and the catalogue page's cost:
the lookup's Latvian order, names typed in the filter, and SQL statements that do not grow with the page."""
import html as htmlmod
import re

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.orgs.models import SUSPENDED
from portal.orgs.services import find_member, organization_lookup

from .factories import make_org, make_resource, make_user, small_jpeg
from .helpers import client_for

CARD_TITLE = re.compile(r'<h3><a href="[^"]+">(.*?)</a></h3>')


@pytest.fixture
def partners(world):
    """Members whose names share words, one suspended; each with a resource titled after it."""
    orgs = {}
    for name in ("Šķūnis Sēlijā", "Sēlijas stropi", "Čiekuri Sēlijā", "Celmi Sēlijā", "Zaļā Sēlija",
                 "Ābeles Sēlijā"):
        orgs[name] = make_org(name)
    orgs["Slēgtā Sēlija"] = make_org("Slēgtā Sēlija")
    for name, org in orgs.items():
        make_resource(make_user(org), title=f"Galds no {name}", description="Koka galds sanāksmēm.",
                      visibility="public")
    orgs["Slēgtā Sēlija"].state = SUSPENDED
    db.session.commit()
    return orgs


def names(found) -> list[str]:
    return [name for _, name in found]


def test_the_lookup_returns_active_members_in_latvian_order(partners):
    # C before Č, S before Š, Ā with A; the suspended member is not offered.
    assert names(organization_lookup("sēl")) == ["Ābeles Sēlijā", "Celmi Sēlijā", "Čiekuri Sēlijā",
                                                 "Sēlijas stropi", "Šķūnis Sēlijā", "Zaļā Sēlija"]


@pytest.mark.parametrize("typed", ["ZALA sel", "zaļā", "  zal   selija ", "Zaļā Sēlija"])
def test_the_lookup_ignores_case_and_diacritics_and_matches_word_beginnings(partners, typed):
    assert names(organization_lookup(typed)) == ["Zaļā Sēlija"]


@pytest.mark.parametrize("typed", ["", "   ", "!!", "elija", "xyz"])
def test_the_lookup_finds_nothing_for_nothing_or_a_word_middle(partners, typed):
    assert organization_lookup(typed) == []


def test_the_lookup_endpoint_answers_json_in_latvian_order(app, partners):
    visitor = client_for(app, None)
    response = visitor.get("/orgs/lookup?q=s%C4%93lij")
    assert response.status_code == 200 and response.is_json
    assert [o["name"] for o in response.json["organizations"]] == names(organization_lookup("sēlij"))
    assert {o["id"] for o in response.json["organizations"]} >= {partners["Zaļā Sēlija"].id}
    assert visitor.get("/orgs/lookup").json == {"organizations": []}
    assert visitor.get("/orgs/lookup?q=" + "a" * 5000).status_code == 200


def test_a_typed_name_means_one_member_when_exact_or_alone(partners):
    assert find_member("zala selija") == (partners["Zaļā Sēlija"].id, [])
    assert find_member("stropi") == (partners["Sēlijas stropi"].id, [])
    found, suggestions = find_member("sēlijā")
    assert found is None and names(suggestions)[:2] == ["Ābeles Sēlijā", "Celmi Sēlijā"]
    assert find_member("Slēgtā Sēlija") == (None, [])


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [htmlmod.unescape(t) for t in CARD_TITLE.findall(response.get_data(as_text=True))]


def test_the_catalogue_filters_by_a_typed_name(app, partners):
    visitor = client_for(app, None)
    assert titles(visitor.get("/resources?org_name=zala+sel")) == ["Galds no Zaļā Sēlija"]
    assert titles(visitor.get("/resources?q=galds&org_name=Sēlijas+stropi")) == ["Galds no Sēlijas stropi"]
    page = visitor.get("/resources?org_name=zala+sel").get_data(as_text=True)
    assert 'name="org_name" value="zala sel"' in page  # the typing is kept
    assert f'name="org" value="{partners["Zaļā Sēlija"].id}"' in page


def test_an_org_link_shows_its_name_and_a_changed_name_wins(app, partners):
    visitor = client_for(app, None)
    zala = partners["Zaļā Sēlija"].id
    page = visitor.get(f"/resources?org={zala}").get_data(as_text=True)
    assert 'name="org_name" value="Zaļā Sēlija"' in page
    assert titles(visitor.get(f"/resources?org={zala}&org_name=Zaļā+Sēlija")) == ["Galds no Zaļā Sēlija"]
    assert titles(visitor.get(f"/resources?org={zala}&org_name=stropi")) == ["Galds no Sēlijas stropi"]


def test_a_name_that_means_several_or_none_gets_a_message_and_suggestions(app, partners):
    visitor = client_for(app, None)
    response = visitor.get("/resources?org_name=s%C4%93lij%C4%81")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and titles(response) == []
    assert 'data-field="org_name"' in page and 'aria-invalid="true"' in page
    datalist = re.search(r'<datalist id="org-suggestions">(.*?)</datalist>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)">', datalist)[:2] == ["Ābeles Sēlijā", "Celmi Sēlijā"]
    page = visitor.get("/resources?org_name=Nekur").get_data(as_text=True)
    assert 'data-field="org_name"' in page and 'value="Nekur"' in page
    assert 'name="org"' not in page


def test_the_page_carries_no_list_of_every_organization(app, world):
    for n in range(60):
        make_org(f"Biedrība Nr. {n}")
    db.session.commit()
    page = client_for(app, world.member).get("/resources").get_data(as_text=True)
    assert "Biedrība Nr. 7" not in page
    assert page.count("<option") < 60


@pytest.fixture
def counted(app):
    with app.app_context():
        engine = db.engine
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    yield statements
    event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_pages_statements_stay_constant_as_the_page_fills(app, world, counted, who):
    """No N+1: a page of 1 card costs the same statements as a page of 20 cards of 20 organizations, photos
    or none, for each kind of query."""
    client = client_for(app, world.member if who == "member" else None)
    urls = ["/resources?q=krasns", "/resources?q=krasns&sort=title", "/resources?org_name=Vienīgā",
            "/resources?kind=material&q=krasns"]
    lone = make_org("Vienīgā biedrība")
    make_resource(make_user(lone), title="Krāsns", description="Krāsns vienai", visibility="public")
    db.session.commit()
    def statements(url, cards):
        """(statements with no page nor card kept, statements with the page kept)"""
        from portal.resources import cards as kept_cards, pages

        kept_cards._cards.clear()
        pages.forget_all()
        counted.clear()
        assert len(titles(client.get(url))) == cards, url
        cold = len(counted)
        counted.clear()
        assert len(titles(client.get(url))) == cards, url
        return cold, len(counted)

    before = {}
    for url in urls:
        client.get(url)  # warm
        before[url] = statements(url, 1)
    for n in range(20):
        org = make_org(f"Krāšņā biedrība {n}")
        made = make_resource(make_user(org), title=f"Krāsns {n}", description="Krāsns daudziem",
                             visibility="public")
        if n % 3 == 0:
            from portal.resources import services
            services.add_photo(make_user(org), made, small_jpeg())
    lone_more = make_user(lone)
    for n in range(19):
        make_resource(lone_more, title=f"Krāsns vēl {n}", description="Krāsns", visibility="public")
    db.session.commit()
    for url in urls:
        assert statements(url, 20) == before[url], url


def test_cached_cards_follow_every_change_of_what_they_show(app, partners):
    """Cards are kept per process: an edit, a renamed organization, a photo, a pause or another language must
    still show at once."""
    from portal.resources import services

    visitor = client_for(app, None)
    zala = partners["Zaļā Sēlija"]
    url = f"/resources?org={zala.id}"
    assert titles(visitor.get(url)) == ["Galds no Zaļā Sēlija"]
    assert "Zaļā Sēlija ·" in visitor.get(url).get_data(as_text=True)
    zala.name = "Zaļā Sēlija un draugi"
    db.session.commit()
    assert "Zaļā Sēlija un draugi ·" in visitor.get(url).get_data(as_text=True)
    owner = make_user(zala)
    resource = _resource_of(zala)
    services.update(owner, resource, {**_entry_data(resource), "title": "Ozolkoka galds"})
    db.session.commit()
    assert titles(visitor.get(url)) == ["Ozolkoka galds"]
    assert "thumb placeholder" in visitor.get(url).get_data(as_text=True)
    services.add_photo(owner, resource, small_jpeg())
    db.session.commit()
    assert f"/resources/{resource.id}/photos/" in visitor.get(url).get_data(as_text=True)
    lv = visitor.get(url).get_data(as_text=True)
    en = visitor.get(url + "&lang=en").get_data(as_text=True)
    assert re.search(r'<p class="tags">\s*<span class="tag kind-material">([^<]+)<', lv).group(1) != \
        re.search(r'<p class="tags">\s*<span class="tag kind-material">([^<]+)<', en).group(1)
    services.change_state(owner, resource, "paused")
    db.session.commit()
    assert titles(visitor.get(url)) == []


def _resource_of(org):
    from portal.resources.models import Resource
    return db.session.scalars(db.select(Resource).where(Resource.org_id == org.id)).first()


def _entry_data(entry) -> dict:
    from portal.resources.services import RESOURCE_FIELDS
    return {name: getattr(entry, name) for name in RESOURCE_FIELDS}
