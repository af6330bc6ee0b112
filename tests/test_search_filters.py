"""Catalogue search filters — on SQLite and PostgreSQL: alone and combined, through the page, with words,
unknown and out-of-range values, odd queries (NUL, punctuation only) that never fail, and the facets' words
that do not act as filters."""
import pytest

from portal.extensions import db
from portal.resources.models import Resource

from .factories import make_org, make_user
from .search_helpers import entry, find, listing, titles
from .search_helpers import member, visitor  # noqa: F401  (fixtures)


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
