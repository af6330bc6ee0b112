"""The catalogue's cards, rendered once per process and language and then reused.

A card shows nothing about who looks at it, only the entry, its organization's name and its first photo.
So a page of results first reads one light row per entry (its id, when it last changed, its organization's
name, its first photo) and takes the kept HTML under that key; only the entries with no kept card are
loaded whole and rendered. An edit, a renamed organization or a new first photo makes a new key (nothing
to invalidate), the day is part of the key (a need's "needed by" turns past), and old cards age out."""
from threading import Lock

from cachetools import LRUCache
from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..database import PLANNED_ONCE
from ..dates import local_today
from ..extensions import db
from ..orgs.models import Organization
from .models import Resource, ResourcePhoto

MAX_CARDS = 4000  # ~1 KB of HTML each, per worker
_cards: LRUCache = LRUCache(maxsize=MAX_CARDS)
_lock = Lock()


def _light_rows(model, ids: list[int]) -> dict[int, tuple]:
    first_photo = (select(ResourcePhoto.id).where(ResourcePhoto.resource_id == model.id)
                   .order_by(ResourcePhoto.position, ResourcePhoto.id).limit(1).scalar_subquery()
                   if model is Resource else None)
    columns = [model.id, model.updated_at, Organization.name] + ([first_photo] if first_photo is not None else [])
    rows = db.session.execute(select(*columns).join(Organization, Organization.id == model.org_id)
                              .where(model.id.in_(ids)).execution_options(**PLANNED_ONCE))
    return {row[0]: tuple(row) for row in rows}


def _load(model, ids: list[int]) -> dict[int, object]:
    options = [joinedload(model.org)] + ([selectinload(model.photos)] if model is Resource else [])
    return {e.id: e for e in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))}


def _render(entry, section: str) -> Markup:
    return Markup(render_template("resources/_card.html", entry=entry, section=section))


def cards_for(model, ids: list[int], section: str) -> list[Markup]:
    """The cards of these entries, in this order (an id no longer there is left out)."""
    if not ids:
        return []
    context = (str(get_locale()), section, local_today())
    keys = {entry_id: context + row for entry_id, row in _light_rows(model, ids).items()}
    with _lock:
        kept = {entry_id: _cards.get(key) for entry_id, key in keys.items()}
    missing = [entry_id for entry_id, html in kept.items() if html is None]
    if missing:
        for entry_id, entry in _load(model, missing).items():
            kept[entry_id] = _render(entry, section)
        with _lock:
            for entry_id in missing:
                if kept.get(entry_id) is not None:
                    _cards[keys[entry_id]] = kept[entry_id]
    return [kept[entry_id] for entry_id in ids if kept.get(entry_id) is not None]
