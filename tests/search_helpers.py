"""Helpers of the catalogue search tests (test_search_words.py, _filters, _order_and_pages, _matching): a
search through `portal.resources.search`, an entry published in a given state, a listing page read as a
person sees it, and the fixtures `member` and `visitor`."""
import html as htmlmod
import re

import pytest

from portal.resources import services as catalogue
from portal.resources.models import Resource
from portal.resources.search import CatalogueQuery, search

from .factories import make_resource
from .helpers import client_for


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
