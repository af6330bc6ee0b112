"""The catalogue search's order and pages — on SQLite and PostgreSQL: sorting by title in Latvian order and
newest first, pages following each other (also through the web), an exact count beyond the ranked candidates
and a count that stops at its cap on every page."""
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.extensions import db
from portal.resources import search as search_module

from .factories import make_org, make_user
from .search_helpers import entry, find, listing, titles
from .search_helpers import member  # noqa: F401  (fixtures)


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


def test_newest_pages_are_whole_within_and_beyond_the_counts_reach(many, monkeypatch):
    """PostgreSQL takes a page of the newest matches and their count from one walk of the newest COUNT_CAP + 1
    matches when the page lies within them (the second page here ends on the walk's last row), and from a count
    of its own beyond."""
    monkeypatch.setattr(search_module, "COUNT_CAP", 39)
    pages = [find("lapa", sort="newest", page=n) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [20, 20, 5]
    assert all((p.total, p.more) == (39, True) for p in pages)
    seen = [e.id for p in pages for e in p.items]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 45


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
