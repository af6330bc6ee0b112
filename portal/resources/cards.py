"""The catalogue's cards, rendered once per process and language and then reused.

A card shows nothing about who looks at it, only the entry, its organization's name and its first photo, so
the HTML is kept under a key made of exactly those values: an edit, a renamed organization or a new photo
makes a new key (nothing to invalidate), and the old card simply ages out."""
from collections import OrderedDict
from threading import Lock

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

MAX_CARDS = 4000  # ~1 KB of HTML each, per worker
_cards: OrderedDict = OrderedDict()
_lock = Lock()


def _key(entry, section: str) -> tuple:
    photo = entry.photos[0].id if section == "resources" and entry.photos else None
    return (str(get_locale()), section, entry.id, entry.kind, entry.title, entry.description, entry.org.name,
            entry.municipality, entry.location, entry.category, entry.terms, entry.visibility, entry.state, photo,
            getattr(entry, "needed_by", None), getattr(entry, "needed_by_passed", False))


def card(entry, section: str) -> Markup:
    key = _key(entry, section)
    with _lock:
        html = _cards.get(key)
        if html is not None:
            _cards.move_to_end(key)
            return html
    html = Markup(render_template("resources/_card.html", entry=entry, section=section))
    with _lock:
        _cards[key] = html
        while len(_cards) > MAX_CARDS:
            _cards.popitem(last=False)
    return html
