"""Catalogue search by words — on SQLite and PostgreSQL: diacritics and case, word beginnings, every word
matching, the fields searched, the page agreeing with the search; ranking (title above description and org
name, occurrences, every word); visibility and state (public only, paused and archived, an edited entry's new
words); and on PostgreSQL, each search planned for its own words and the search table following every change.

Every test runs through `portal.resources.search` and, where it matters, through the pages a
person uses (/resources, /needs), which must agree with it.
"""
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.resources import services as catalogue
from portal.resources.models import Resource
from portal.resources.search import CatalogueQuery, search

from .factories import make_org, make_user
from .helpers import client_for
from .search_helpers import entry, find, listing, titles
from .search_helpers import member, visitor  # noqa: F401  (fixtures)


# ---------------------------------------------------------------- diacritics, case, words

@pytest.mark.parametrize("q", ["balta maja", "BALTA MAJA", "Baltā māja", "baltā MĀJA", "Balta Maja"])
def test_org_name_is_found_without_diacritics_and_in_any_case(world, q):
    result = find(q)
    assert set(titles(result)) == {world.resource.title, world.public_resource.title}
    assert result.total == 2


@pytest.mark.parametrize("q", ["zale dzerkali", "Zāle “Dzerkaļi”", "ZĀLE", "Zale", "zāle", "DZERKAĻI",
                               "konferencu zale", "KONFERENČU", "dzerkali zale"])
def test_title_is_found_without_diacritics_and_in_any_case(world, q):
    assert titles(find(q))[0] == "Konferenču zāle “Dzerkaļi”"


@pytest.mark.parametrize("q", ["konferen", "KONFEREN", "dzerk", "konf dzer"])
def test_a_word_beginning_finds_the_word(world, q):
    assert titles(find(q)) == ["Konferenču zāle “Dzerkaļi”"]


def test_every_word_must_match(world):
    assert titles(find("dzerkali")) == [world.resource.title]
    assert titles(find("ekrans")) == [world.public_resource.title]
    result = find("dzerkali ekrans")
    assert result.items == [] and result.total == 0
    assert find("zale sukrums").total == 0  # the word of another org's name does not count


def test_words_are_searched_in_description_location_and_audience(world, app):
    entry(world.member, "Metodiskie materiāli", kind="intellectual", category="methodology",
          description="Rokasgrāmata par brīvprātīgo piesaisti.", location="Viļakas pagasts",
          audience="Jauniešu centru vadītāji")
    db.session.commit()
    for q in ("rokasgramata", "vilakas", "jauniesu vaditaji", "brivpratigo"):
        assert titles(find(q)) == ["Metodiskie materiāli"], q


def test_the_page_finds_the_same_as_the_search(member, visitor, world):
    page = listing(member, "/resources?q=balta+maja")
    assert sorted(page.titles) == sorted([world.resource.title, world.public_resource.title])
    assert page.count == 2
    page = listing(member, "/resources?q=zale+dzerkali")
    assert page.titles == ["Konferenču zāle “Dzerkaļi”"] and page.count == 1
    assert page.cards[0][0] == f"/resources/{world.resource.id}"
    page = listing(visitor, "/resources?q=balta+maja")
    assert page.titles == [world.public_resource.title] and page.count == 1
    page = listing(member, "/resources?q=ZALE")  # in the title of one, in the description of the other
    assert page.titles == ["Konferenču zāle “Dzerkaļi”", "Projektors un ekrāns"] and page.count == 2


def test_the_query_stays_in_the_search_box(member, world):
    html = member.get("/resources?q=zale+%E2%80%9Cdzerkali%E2%80%9D").get_data(as_text=True)
    assert 'value="zale “dzerkali”"' in html


# ---------------------------------------------------------------- ranking

LONG_DESCRIPTION = ("Biedrība piedāvā izmantot savu aprīkojumu citām organizācijām, kas rīko seminārus, "
                    "nometnes un kopienas pasākumus Latgalē; rezervācija vismaz nedēļu iepriekš.")


def test_a_title_match_ranks_above_a_description_match(world, member):
    # The title match is older: a tie broken by "newest first" would put it second.
    in_title = entry(world.member, "Videokamera filmēšanai", category="equipment", description=LONG_DESCRIPTION)
    in_body = entry(world.member, "Aprīkojums semināriem", category="equipment",
                    description=LONG_DESCRIPTION + " Komplektā ir videokamera.")
    db.session.commit()
    assert titles(find("videokamera")) == [in_title.title, in_body.title]
    assert listing(member, "/resources?q=videokamera").titles == [in_title.title, in_body.title]


def test_a_title_match_ranks_above_a_match_in_the_org_name(world):
    org = make_org("Kokapstrādes biedrība “Skaidas”")
    woodworker = make_user(org)
    in_body = entry(woodworker, "Galdniecības darbnīca", category="premises", description=LONG_DESCRIPTION)
    in_title = entry(world.member, "Kokapstrādes darbgaldi", category="equipment", description=LONG_DESCRIPTION)
    db.session.commit()
    assert titles(find("kokapstrades"))[:2] == [in_title.title, in_body.title]


def test_more_occurrences_rank_higher(world):
    once = entry(world.member, "Aprīkojums A", category="equipment",
                 description="Keramikas krāsns un galdi darbnīcai, arī podi un glazūras komplekts.")
    thrice = entry(world.member, "Aprīkojums B", category="equipment",
                   description="Keramikas krāsns, keramikas galdi un keramikas podi darbnīcai, glazūras.")
    db.session.commit()
    assert once.id < thrice.id
    result = find("keramikas")
    assert titles(result)[:2] == [thrice.title, once.title]


def test_every_word_counts_in_the_ranking(world):
    # Both match "skatuve"; the one that also has the second word in its title comes first.
    both = entry(world.member, "Skatuve un gaismas", category="equipment", description=LONG_DESCRIPTION)
    one = entry(world.member, "Pārvietojama skatuve", category="equipment",
                description=LONG_DESCRIPTION + " Pieejamas arī gaismas.")
    db.session.commit()
    assert one.id > both.id
    assert titles(find("skatuve gaismas")) == [both.title, one.title]


# ---------------------------------------------------------------- visibility and state

def test_public_only_hides_network_entries(world, member, visitor):
    everyone = find("balta")
    public = find("balta", public_only=True)
    assert set(titles(everyone)) == {world.resource.title, world.public_resource.title}
    assert titles(public) == [world.public_resource.title] and public.total == 1
    assert find(public_only=True).total == 1  # browsing without words too
    assert listing(visitor, "/resources").titles == [world.public_resource.title]
    assert listing(visitor, "/resources").count == 1
    assert listing(member, "/resources").count == 2


def test_paused_and_archived_entries_never_show(world, app):
    archived = entry(world.member, "Mikroautobuss ar šoferi", category="vehicle", state="archived",
                     visibility="public")
    db.session.commit()
    for q in ("mikroautobuss", "", "balta"):
        shown = titles(find(q))
        assert world.paused_resource.title not in shown and archived.title not in shown
        for sort in ("newest", "title"):
            assert archived.title not in titles(find(q, sort=sort))
            assert world.paused_resource.title not in titles(find(q, sort=sort))
    # Not even for their own organization, nor for a coordinator.
    for user in (world.member, world.representative, world.coordinator):
        page = listing(client_for(app, user), "/resources?q=mikroautobuss")
        assert page.titles == [] and page.count == 0
        assert world.paused_resource.title not in listing(client_for(app, user), "/resources").titles


def test_a_paused_entry_shows_again_when_activated(world):
    catalogue.change_state(world.representative, world.paused_resource, "active")
    db.session.commit()
    assert titles(find("mikroautobuss")) == ["Mikroautobuss"]
    catalogue.change_state(world.representative, world.paused_resource, "archived")
    db.session.commit()
    assert find("mikroautobuss").total == 0


def test_an_edited_entry_is_found_by_its_new_words_only(world):
    data = {"title": "Lielā zāle “Spogulis”", "kind": "material", "category": "premises"}
    catalogue.update(world.representative, world.resource, data)
    db.session.commit()
    assert titles(find("spogulis")) == ["Lielā zāle “Spogulis”"]
    assert find("dzerkali").total == 0


@pytest.mark.one_backend("postgresql")
def test_postgresql_plans_every_search_for_its_own_words(world, backend):
    """No search is a server-side prepared statement: a prepared search may get a generic plan after five runs,
    made without knowing how many rows the words match (eight times slower for a broad word)."""
    if backend != "postgresql":
        pytest.skip("SQLite has no server-side prepared statements (run with --backend postgresql)")
    for word in ["zāle", "galds", "krāsns"] * 4:
        search(Resource, CatalogueQuery(q=word), public_only=True)
    prepared = db.session.execute(sa.text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert not [s for s in prepared if "tsquery" in s or "_search" in s], prepared
    # Nor JIT: compiling took longer than running the statistics' costliest statement.
    assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"


@pytest.mark.one_backend("postgresql")
def test_postgresql_search_table_follows_every_change(world, backend):
    """PostgreSQL searches a table of the entries' words, facets, state and visibility, kept by a trigger: a change
    of those made in SQL, outside the services (a migration, a bulk fix), is searched at once; a deleted entry
    leaves nothing."""
    if backend != "postgresql":
        pytest.skip("SQLite searches its FTS5 tables (run with --backend postgresql)")
    made = entry(world.member, "Skaņas pults", visibility="public")
    assert find("skanas", public_only=True).ids == [made.id]
    db.session.execute(sa.text("UPDATE resources SET search_title = 'gaismas pults', visibility = 'network' "
                               "WHERE id = :id"), {"id": made.id})
    assert find("skanas").ids == []
    assert find("gaismas").ids == [made.id]
    assert find("gaismas", public_only=True).ids == []
    db.session.execute(sa.text("UPDATE resources SET search_facets = replace(search_facets, 'kindmaterial', "
                               "'kindintellectual') WHERE id = :id"), {"id": made.id})
    assert find("gaismas", kind="material").ids == [] and find("gaismas", kind="intellectual").ids == [made.id]
    db.session.execute(sa.text("UPDATE resources SET state = 'paused' WHERE id = :id"), {"id": made.id})
    assert find("gaismas").ids == []
    db.session.execute(sa.text("DELETE FROM resources WHERE id = :id"), {"id": made.id})
    assert db.session.execute(sa.text("SELECT count(*) FROM resources_search WHERE id = :id"),
                              {"id": made.id}).scalar() == 0
