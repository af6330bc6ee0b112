"""Catalogue search: diacritics, case, words, ranking, filters, sorting, pages — on SQLite and PostgreSQL.

Every test runs through `portal.resources.search` and, where it matters, through the pages a
person uses (/resources, /needs), which must agree with it.
"""
import html as htmlmod
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.resources import search as search_module
from portal.resources import services as catalogue
from portal.resources.models import Need, Resource
from portal.resources.search import CatalogueQuery, search, similar

from .factories import make_org, make_resource, make_user
from .helpers import client_for

# ---------------------------------------------------------------- helpers


def find(q="", model=Resource, public_only=False, **filters):
    return search(model, CatalogueQuery(q=q, **filters), public_only=public_only)


def titles(result) -> list[str]:
    return [entry.title for entry in result.items]


def entry(actor, title, model=Resource, state="active", **fields):
    """An offer (or need) of the actor's organization; intellectual ones get no hand-over."""
    if fields.get("kind") == "intellectual":
        fields.setdefault("handover", "")
        fields.setdefault("category", "training")
    made = make_resource(actor, model=model, title=title, **fields)
    if state != "active":
        catalogue.change_state(actor, made, state)
    return made


CARD = re.compile(r'<article class="entry-card" data-testid="entry">.*?<h3><a href="([^"]+)">(.*?)</a></h3>', re.S)
COUNT = re.compile(r'data-testid="result-count">\s*([\d\s\u00a0\u202f]+)')
PAGER_LINK = re.compile(r'<a href="([^"]+)" rel="(prev|next)">')


class Listing:
    """A catalogue page as a person sees it: the cards, the count and the pager."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        self.html = response.get_data(as_text=True)
        self.cards = [(href, htmlmod.unescape(title)) for href, title in CARD.findall(self.html)]
        assert self.html.count('data-testid="entry"') == len(self.cards)
        found = COUNT.search(self.html)
        if found:
            self.count = int(re.sub(r"\D", "", found.group(1)))
        else:  # nothing to browse: no "0 results", the empty state says why
            assert 'data-testid="empty-state"' in self.html and not self.cards, "no result count on the page"
            self.count = 0
        self.links = {rel: htmlmod.unescape(href) for href, rel in PAGER_LINK.findall(self.html)}

    @property
    def titles(self) -> list[str]:
        return [title for _, title in self.cards]


def listing(client, url) -> Listing:
    return Listing(client.get(url))


@pytest.fixture
def member(app, world):
    return client_for(app, world.member)


@pytest.fixture
def visitor(app, world):
    return client_for(app, None)


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


# ---------------------------------------------------------------- filters

@pytest.fixture
def shelf(world):
    """Offers of two orgs that differ in every facet; all say "kopdarbs" in the description."""
    crafts = make_org("Rēzeknes amatnieki")
    crafter = make_user(crafts)
    other = world.other_member
    rows = [
        (crafter, "Virpa kokapstrādei", dict(category="equipment", municipality="rezekne", terms="free",
                                             languages="lv", visibility="public")),
        (crafter, "Piekabe", dict(category="vehicle", municipality="rezeknes", terms="cost_sharing",
                                  languages="lv,ru", visibility="network")),
        (other, "Keramikas darbnīca", dict(kind="intellectual", category="training", municipality="rezekne",
                                           terms="reciprocal", languages="ltg", visibility="public",
                                           format="in_person")),
        (other, "Grāmatvedības konsultācijas", dict(kind="intellectual", category="expertise",
                                                    municipality="balvu", terms="free", languages="ru,en",
                                                    visibility="network", format="online")),
        (other, "Telts pasākumiem", dict(category="equipment", municipality="rezekne", terms="free",
                                         languages="lv,en", visibility="public", handover="pickup")),
        (crafter, "Ģenerators", dict(category="equipment", municipality="rezekne", terms="free",
                                     languages="lv", visibility="public", state="paused")),
        (other, "Vecā telts", dict(category="equipment", municipality="rezekne", terms="free",
                                   languages="lv", visibility="public", state="archived")),
    ]
    for actor, title, fields in rows:
        entry(actor, title, description="Kopdarbs ar citām biedrībām. " + title, **fields)
    db.session.commit()
    return {"crafts": crafts, "other": world.other_org}


FILTERS = [
    {"kind": "material"},
    {"kind": "intellectual"},
    {"category": "equipment"},
    {"category": "training"},
    {"municipality": "rezekne"},  # not Rēzeknes novads
    {"municipality": "rezeknes"},
    {"org": "crafts"},
    {"org": "other"},
    {"terms": "free"},
    {"terms": "reciprocal"},
    {"language": "ru"},
    {"language": "ltg"},
    {"language": "en"},
    {"kind": "material", "terms": "free", "language": "lv"},
    {"municipality": "rezekne", "org": "other", "kind": "intellectual"},
    {"category": "equipment", "language": "en", "municipality": "rezekne"},
    {"kind": "intellectual", "terms": "free", "language": "en", "org": "other", "municipality": "balvu",
     "category": "expertise"},
    {"kind": "intellectual", "category": "equipment"},  # nothing is both
    {"org": "crafts", "language": "ltg"},
]


def _resolve(filters, shelf):
    return {k: (str(shelf[v].id) if k == "org" else v) for k, v in filters.items()}


def _expected(filters, public_only, word=None) -> set[str]:
    def fits(e):
        if e.state != "active" or (public_only and e.visibility != "public"):
            return False
        if word and word not in e.description.lower():
            return False
        for key, value in filters.items():
            if key == "org" and e.org_id != int(value):
                return False
            if key == "language" and value not in e.language_codes:
                return False
            if key not in ("org", "language") and getattr(e, key) != value:
                return False
        return True
    return {e.title for e in db.session.scalars(db.select(Resource)) if fits(e)}


@pytest.mark.parametrize("public_only", [False, True], ids=["member", "visitor"])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()))
def test_filters_alone_and_combined(shelf, filters, public_only):
    filters = _resolve(filters, shelf)
    browsing = find(public_only=public_only, **filters)
    expected = _expected(filters, public_only)
    assert set(titles(browsing)) == expected and browsing.total == len(expected)
    for sort in ("relevance", "newest", "title"):
        searching = find("kopdarbs", public_only=public_only, sort=sort, **filters)
        expected = _expected(filters, public_only, word="kopdarbs")
        assert set(titles(searching)) == expected and searching.total == len(expected), sort


def test_filters_through_the_page(shelf, member, visitor):
    crafts, other = shelf["crafts"].id, shelf["other"].id
    page = listing(member, "/resources?q=kopdarbs&kind=material&terms=free&language=lv&municipality=rezekne")
    assert sorted(page.titles) == ["Telts pasākumiem", "Virpa kokapstrādei"] and page.count == 2
    page = listing(member, f"/resources?org={crafts}&language=ru")
    assert page.titles == ["Piekabe"] and page.count == 1
    page = listing(visitor, f"/resources?org={crafts}&language=ru")
    assert page.titles == [] and page.count == 0
    page = listing(member, f"/resources?q=kopdarbs&org={other}&category=expertise&language=en&terms=free")
    assert page.titles == ["Grāmatvedības konsultācijas"]
    page = listing(member, "/resources?municipality=rezeknes")
    assert page.titles == ["Piekabe"]
    # The chosen filters stay chosen in the form.
    assert '<option value="rezeknes" selected>' in page.html


def test_the_org_filter_works_with_words(world, member):
    """Freshly published entries must be found by words *and* their organization."""
    org = str(world.org.id)
    assert set(titles(find("zale", org=org))) == {world.resource.title, world.public_resource.title}
    assert titles(find("zale", org=org, public_only=True)) == [world.public_resource.title]
    assert find("zale", org=str(world.other_org.id)).total == 0
    page = listing(member, f"/resources?q=zale&org={org}")
    assert page.count == 2 and len(page.cards) == 2
    assert listing(member, f"/needs?q=lektoru&org={org}").titles == [world.need.title]


@pytest.mark.parametrize("params", [
    "kind=xyz", "category=premisesX", "municipality=mars", "org=abc", "terms=gratis", "language=xx",
    "sort=random", "page=abc", "page=0", "page=-3", "kind=", "kind=bogus&kind=material",
    "org=1%20OR%201=1", "sort=title%27--",
])
def test_unknown_filter_values_are_ignored(shelf, member, params):
    plain = listing(member, "/resources?q=kopdarbs")
    page = listing(member, f"/resources?q=kopdarbs&{params}")
    assert page.count == plain.count and sorted(page.titles) == sorted(plain.titles)


@pytest.mark.parametrize("params", ["org=999999", "page=999", "page=99999999999999999999",
                                    "page=9223372036854775807", "org=99999999999999999999999"])
def test_out_of_range_values_answer_an_empty_page(shelf, member, params):
    page = listing(member, f"/resources?q=kopdarbs&{params}")
    assert page.titles == []


@pytest.mark.parametrize("q", [
    "!!! … “” --- ::", "*", '"', "'", "(", ")", "AND", "OR NOT", "NEAR(zale dzerkali)", "zale OR dzerkali",
    "zale & | ! :* <->", "search_facets : visnetwork", "\\", "%", "_",
    "ā" * 500, "zale " * 100, ("a b c d e f g h i j k l m n o p " * 40)[:500], "😀 🙂", "Ǆ ǅ ǆ ß ﬁ",
    "x" * 500, "1" * 500, "-zale", "+zale", "zale*", "^zale", "{search_title}: zale",
])
def test_odd_queries_never_fail(world, member, visitor, q):
    for client in (member, visitor):
        for path in ("/resources", "/needs"):
            for sort in ("relevance", "newest", "title"):
                response = client.get(path, query_string={"q": q, "sort": sort})
                assert response.status_code == 200, (path, sort)
    find(q)  # and directly


@pytest.mark.parametrize("url", ["/resources?q=%00", "/resources?q=zale%00dzerkali", "/needs?q=%00&sort=title",
                                 "/resources?language=lv%00", "/resources?org=1%00"])
def test_a_nul_character_never_fails(world, member, url):
    assert member.get(url).status_code in (200, 400)


def test_a_query_of_punctuation_only_browses(world, member):
    assert listing(member, "/resources?q=%E2%80%9C%E2%80%9D+--+!!").count == listing(member, "/resources").count == 2


def test_words_of_the_facets_do_not_act_as_filters(world, visitor):
    """A title made of facet tokens must not sneak past the visibility filter."""
    entry(world.member, "vispublic stateactive kindmaterial", category="equipment", visibility="network")
    db.session.commit()
    assert find("vispublic", public_only=True).total == 0
    assert listing(visitor, "/resources?q=vispublic").count == 0
    assert listing(visitor, "/resources").titles == [world.public_resource.title]


# ---------------------------------------------------------------- sorting

LATVIAN_ORDER = ["Ābele", "Cēsis", "Čiekurs", "Zīle", "Žagata"]


@pytest.fixture
def alphabet(world):
    org = make_org("Alfabēts")
    person = make_user(org)
    for title in ("Zīle", "Čiekurs", "Žagata", "Ābele", "Cēsis"):
        entry(person, title, category="materials", description=f"Alfabēta kārtība: {title}.")
    db.session.commit()
    return org


def test_sort_by_title_in_latvian_order(alphabet, member):
    assert titles(find(org=str(alphabet.id), sort="title")) == LATVIAN_ORDER
    assert titles(find("alfabeta", sort="title")) == LATVIAN_ORDER
    assert listing(member, f"/resources?org={alphabet.id}&sort=title").titles == LATVIAN_ORDER
    assert listing(member, "/resources?q=kartiba&sort=title").titles == LATVIAN_ORDER


def test_sort_newest_first(alphabet, member):
    newest_first = ["Cēsis", "Ābele", "Žagata", "Čiekurs", "Zīle"]
    assert titles(find(org=str(alphabet.id), sort="newest")) == newest_first
    assert titles(find("alfabeta", sort="newest")) == newest_first
    assert listing(member, f"/resources?org={alphabet.id}").titles == newest_first  # browsing: newest


# ---------------------------------------------------------------- pages

@pytest.fixture
def many(world):
    org = make_org("Lapu biedrība")
    person = make_user(org)
    made = [entry(person, f"Grāmata {n:02d}", category="materials", description="Lapa grāmatu plauktā.",
                  terms="free" if n % 3 else "reciprocal")
            for n in range(45)]
    db.session.commit()
    return org, made


@pytest.mark.parametrize("q", ["", "lapa"])
@pytest.mark.parametrize("sort", ["relevance", "newest", "title"])
def test_pages_follow_each_other(many, q, sort):
    org, made = many
    only_these = {"org": str(org.id)} if not q else {}  # "lapa" is their word alone
    pages = [find(q, sort=sort, page=n, **only_these) for n in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [20, 20, 5, 0]
    assert all(p.total == 45 for p in pages)
    assert pages[0].pages == 3 and pages[0].has_next and not pages[2].has_next
    seen = [e.id for p in pages for e in p.items]
    assert sorted(seen) == sorted(e.id for e in made), "each entry on exactly one page"
    if sort == "title":
        assert [e.title for p in pages for e in p.items] == [f"Grāmata {n:02d}" for n in range(45)]
    if sort == "newest":
        assert seen == sorted(seen, reverse=True)


def test_pages_through_the_web(many, member):
    org, made = many
    first = listing(member, "/resources?q=lapa&municipality=ludzas&language=lv&sort=title")
    assert first.count == 45 and len(first.cards) == 20
    assert first.titles == [f"Grāmata {n:02d}" for n in range(20)]
    assert "prev" not in first.links
    second_url = first.links["next"]
    args = parse_qs(urlsplit(second_url).query)
    assert args == {"q": ["lapa"], "municipality": ["ludzas"], "language": ["lv"], "sort": ["title"],
                    "page": ["2"]}
    second = listing(member, second_url)
    assert second.count == 45 and second.titles == [f"Grāmata {n:02d}" for n in range(20, 40)]
    assert parse_qs(urlsplit(second.links["prev"]).query)["page"] == ["1"]
    third = listing(member, second.links["next"])
    assert third.titles == [f"Grāmata {n:02d}" for n in range(40, 45)] and "next" not in third.links
    assert parse_qs(urlsplit(third.links["prev"]).query) == {**args, "page": ["2"]}
    filtered = listing(member, f"/resources?org={org.id}&terms=reciprocal")
    assert filtered.count == 15 and len(filtered.cards) == 15 and not filtered.links


def test_the_count_is_exact_beyond_the_ranked_candidates(many, member, monkeypatch):
    org, made = many
    monkeypatch.setattr(search_module, "CANDIDATES", 10)
    result = find("lapa")
    assert result.total == 45 and len(result.items) == 10
    assert result.ranked_among == 10
    page = listing(member, "/resources?q=lapa")
    assert page.count == 45 and len(page.cards) == 10


# ---------------------------------------------------------------- needs

def test_needs_are_searched_the_same_way(world, app, member, visitor):
    entry(world.other_member, "Meklējam šūšanas mašīnu", model=Need, category="equipment", visibility="public",
          description="Vajadzīga šujmašīna jauniešu darbnīcai Krāslavā.", municipality="kraslavas",
          languages="lv,ru", terms="free")
    entry(world.other_member, "Vajadzīga skatuve", model=Need, state="paused",
          description="Skatuve brīvdabas koncertam.")
    db.session.commit()
    assert titles(find("meklejam lektoru", model=Need)) == ["Meklējam lektoru"]
    assert set(titles(find("MEKLĒJAM", model=Need))) == {"Meklējam šūšanas mašīnu", "Meklējam lektoru"}
    assert titles(find("susanas masinu", model=Need)) == ["Meklējam šūšanas mašīnu"]
    assert titles(find("sujmas", model=Need)) == ["Meklējam šūšanas mašīnu"]
    assert titles(find("meklejam", model=Need, public_only=True)) == ["Meklējam šūšanas mašīnu"]
    assert find("skatuve", model=Need).total == 0  # paused
    assert titles(find(model=Need, municipality="kraslavas", language="ru")) == ["Meklējam šūšanas mašīnu"]
    assert titles(find(model=Need, kind="intellectual")) == ["Meklējam lektoru"]

    page = listing(member, "/needs?q=meklejam+susanas")
    assert page.titles == ["Meklējam šūšanas mašīnu"] and page.count == 1
    assert page.cards[0][0].startswith("/needs/")
    assert listing(member, "/needs?q=meklejam").count == 2
    assert listing(visitor, "/needs?q=meklejam").titles == ["Meklējam šūšanas mašīnu"]
    assert listing(visitor, "/needs").count == 1
    assert listing(member, "/needs?q=lektoru&kind=material").count == 0


# ---------------------------------------------------------------- matching offers and needs

def test_a_need_finds_the_best_offer_of_another_org_first(world, app):
    catalogue.update(world.representative, world.resource, {
        "kind": "material", "category": "premises",
        "description": "Zāle ar 40 sēdvietām, skatuvi un apskaņošanu semināriem."})
    catalogue.update(world.representative, world.public_resource, {
        "kind": "material", "category": "equipment",
        "description": "Full HD projektors, 2 m ekrāns un HDMI kabeļi prezentācijām."})
    sound = entry(world.member, "Skaņas aparatūra", category="equipment",
                  description="Skandas un mikrofoni; der arī kopā ar projektoru.")
    own = entry(world.other_member, "Projektors semināriem", category="equipment",
                description="Projektors un ekrāns prezentācijām.")
    need = entry(world.other_member, "Meklējam projektoru", model=Need, category="equipment",
                 description="Vajadzīgs projektors un ekrāns valodu kluba prezentācijām.")
    db.session.commit()
    found = similar(Resource, f"{need.title} {need.description}", kind=need.kind, public_only=False,
                    exclude_org=need.org_id)
    assert found[0].title == "Projektors un ekrāns"
    assert sound in found
    assert own not in found, "offers of the need's own organization are not suggested"
    assert world.paused_resource not in found
    # The need's page shows it.
    html = client_for(app, world.other_member).get(f"/needs/{need.id}").get_data(as_text=True)
    offers = html.split("<h2>", 2)[-1]
    assert "Projektors un ekrāns" in offers and "Projektors semināriem" not in offers.split("</h2>", 1)[1]


def test_latvian_word_forms_match(world):
    """'Meklējam projektoru' (accusative) is answered by 'Projektors un ekrāns' (nominative)."""
    catalogue.update(world.representative, world.public_resource, {
        "kind": "material", "category": "equipment", "description": "Full HD, 2 m ekrāns un HDMI kabeļi."})
    catalogue.update(world.representative, world.resource, {
        "kind": "material", "category": "premises", "description": "Zāle ar 40 sēdvietām."})
    need = entry(world.other_member, "Meklējam projektoru", model=Need, category="equipment",
                 description="Uz vienu vakaru.")
    db.session.commit()
    found = similar(Resource, f"{need.title} {need.description}", kind=need.kind, public_only=False,
                    exclude_org=need.org_id)
    assert [e.title for e in found][:1] == ["Projektors un ekrāns"]


def test_rarer_shared_words_count_more(world):
    """An offer sharing the need's rare word beats one sharing only a word every offer has."""
    for n in range(6):
        entry(world.member, f"Telpa {n}", category="premises", description="Telpa semināriem un sanāksmēm.")
    rare = entry(world.member, "Keramikas krāsns", category="equipment",
                 description="Krāsns apdedzināšanai; semināriem pēc vienošanās.")
    common = entry(world.member, "Vēl viena telpa", category="premises",
                   description="Telpa semināriem un sanāksmēm, arī vakaros.")
    need = entry(world.other_member, "Vajadzīga krāsns", model=Need, category="equipment",
                 description="Keramikas nodarbībām, semināriem.")
    db.session.commit()
    assert rare.id < common.id
    found = similar(Resource, f"{need.title} {need.description}", kind="material", public_only=False,
                    exclude_org=need.org_id)
    assert found[0] == rare


def test_similar_respects_visibility_kind_and_state(world):
    need = entry(world.other_member, "Meklējam konferenču zāli", model=Need, category="premises",
                 description="Konferenču zāle ar projektoru semināram.")
    db.session.commit()
    text_ = f"{need.title} {need.description}"
    everyone = similar(Resource, text_, kind="material", public_only=False, exclude_org=need.org_id)
    public = similar(Resource, text_, kind="material", public_only=True, exclude_org=need.org_id)
    assert world.resource in everyone and world.resource not in public
    assert all(e.visibility == "public" for e in public)
    assert similar(Resource, text_, kind="intellectual", public_only=False, exclude_org=need.org_id) == []
    assert world.paused_resource not in everyone
    assert similar(Resource, "un ar par", kind=None, public_only=False) == []  # stop words only
    assert similar(Resource, "", kind=None, public_only=False) == []


def test_the_resource_page_shows_open_needs_of_other_orgs(world, app):
    open_need = entry(world.other_member, "Vajadzīgs projektors prezentācijām", model=Need, category="equipment",
                      description="Uz vienu vakaru nepieciešams projektors un ekrāns.")
    paused_need = entry(world.other_member, "Projektors un ekrāns nometnei", model=Need, category="equipment",
                        description="Projektors un ekrāns.", state="paused")
    own_need = entry(world.member, "Mums arī vajag projektoru un ekrānu", model=Need, category="equipment",
                     description="Projektors un ekrāns.")
    db.session.commit()
    html = client_for(app, world.member).get(f"/resources/{world.public_resource.id}").get_data(as_text=True)
    related = html[html.index("entries compact"):]
    assert open_need.title in related
    assert f"/needs/{open_need.id}" in related
    assert paused_need.title not in related
    assert own_need.title not in related
    # A visitor sees only public needs there.
    html = client_for(app, None).get(f"/resources/{world.public_resource.id}").get_data(as_text=True)
    assert open_need.title not in html



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


def test_the_count_stops_at_its_cap_on_every_page(many, member, monkeypatch):
    """A ranked search's count comes with its page (PostgreSQL: one statement), also past the last page."""
    monkeypatch.setattr(search_module, "COUNT_CAP", 5)
    first = find("lapa")
    assert (first.total, first.more, len(first.items)) == (5, True, 20)
    beyond = find("lapa", page=9)
    assert (beyond.total, beyond.more, beyond.items) == (5, True, [])
    assert find("lapa", terms="reciprocal").total == 5 and find("lapa", terms="reciprocal", org="0").total == 0
    org, _ = many  # browsing and the newest matches: the count comes with the page, or alone past the last one
    for q, filters in (("", {"org": str(org.id)}), ("lapa", {"sort": "newest"}), ("lapa", {"sort": "title"})):
        first, beyond = find(q, **filters), find(q, page=9, **filters)
        assert (first.total, first.more, len(first.items)) == (5, True, 20), (q, filters)
        assert (beyond.total, beyond.more, beyond.items) == (5, True, []), (q, filters)
    assert find("", org=str(org.id), terms="reciprocal").total == 5
