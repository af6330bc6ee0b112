"""Catalogue rules: publishing, editing, pausing and archiving offers and needs; photos."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import policy
from ..audit.services import record
from ..errors import RuleViolation, found, require
from ..extensions import db
from ..text import fold_diacritics, latvian_sort_key
from . import choices, photos
from .models import Need, Resource, ResourcePhoto
from .search import facets_of, similar

ENTRY_FIELDS = (
    "kind", "category", "title", "description", "municipality", "location", "quantity", "unit",
    "languages", "terms", "availability", "visibility", "format", "audience", "handover",
)
RESOURCE_FIELDS = ENTRY_FIELDS + ("value_eur", "value_unit", "licence")
NEED_FIELDS = ENTRY_FIELDS + ("needed_by",)

TRANSITIONS = {
    choices.ACTIVE: {choices.PAUSED, choices.ARCHIVED},
    choices.PAUSED: {choices.ACTIVE, choices.ARCHIVED},
    choices.ARCHIVED: {choices.ACTIVE},
}


def refresh_search_fields(entry) -> None:
    """The folded text, facets and sort key that search and sorting read."""
    entry.search_title = fold_diacritics(entry.title)
    entry.search_body = fold_diacritics(" ".join(filter(None, (
        entry.description, entry.location, entry.audience, entry.availability, entry.unit,
        entry.org.name if entry.org else "",
    ))))
    entry.search_facets = facets_of(entry)
    entry.sort_key = latvian_sort_key(entry.title)[0][:400]


def _normalise(data: dict) -> dict:
    data = dict(data)
    if choices.CATEGORY_KIND.get(data["category"]) != data["kind"]:
        raise RuleViolation(_l("Choose a category of this kind."), field="category")
    if data["kind"] == choices.MATERIAL:
        data["format"], data["audience"] = "", ""
        if "licence" in data:
            data["licence"] = ""
    else:
        data["handover"] = ""
    if data.get("value_eur") is None and "value_unit" in data:
        data["value_unit"] = ""
    return data


def _require_owner(actor, org) -> None:
    require(policy.can_edit_catalogue(actor, org))


def get_visible_entry(user, model, entry_id: int):
    """An offer or need as this user may see it; NotFound otherwise."""
    entry = db.session.get(model, entry_id)
    return found(entry, entry is not None and policy.can_view_entry(user, entry))


def get_own_entry(user, model, entry_id: int):
    """An entry to change: NotFound outside its organization, NotAllowed when the organization may not write."""
    entry = db.session.get(model, entry_id)
    found(entry, entry is not None and policy.belongs_to(user, entry.org))
    require(policy.can_edit_catalogue(user, entry.org))
    return entry


def get_photo(resource: Resource, photo_id: int) -> ResourcePhoto:
    photo = db.session.get(ResourcePhoto, photo_id)
    return found(photo, photo is not None and photo.resource_id == resource.id)


def publish(model, actor, data: dict, new_photos: tuple[photos.PreparedPhoto, ...] = ()):
    """A new offer (Resource) or need (Need) of the actor's organization; a resource may come with photos
    that were checked already (photos.prepare_upload)."""
    _require_owner(actor, actor.org)
    fields = RESOURCE_FIELDS if model is Resource else NEED_FIELDS
    data = _normalise({k: data.get(k) for k in fields if k in data})
    entry = model(org=actor.org, org_id=actor.org_id, created_by_id=actor.id, state=choices.ACTIVE, **data)
    refresh_search_fields(entry)
    db.session.add(entry)
    db.session.flush()
    record(f"{model.__tablename__[:-1]}.published", actor=actor, obj=entry, title=entry.title)
    for prepared in new_photos:
        add_photo(actor, entry, prepared)
    return entry


def update(actor, entry, data: dict) -> None:
    _require_owner(actor, entry.org)
    fields = RESOURCE_FIELDS if isinstance(entry, Resource) else NEED_FIELDS
    data = _normalise({k: data.get(k) for k in fields if k in data})
    for key, value in data.items():
        setattr(entry, key, value)
    refresh_search_fields(entry)
    db.session.flush()
    record(f"{entry.__tablename__[:-1]}.updated", actor=actor, obj=entry)


def change_state(actor, entry, new_state: str) -> None:
    _require_owner(actor, entry.org)
    if new_state not in TRANSITIONS.get(entry.state, set()):
        raise RuleViolation(_l("This change is not possible in the current state."))
    entry.state = new_state
    refresh_search_fields(entry)
    db.session.flush()
    record(f"{entry.__tablename__[:-1]}.{new_state}", actor=actor, obj=entry)


def add_photo(actor, resource: Resource, data: bytes | photos.PreparedPhoto) -> ResourcePhoto:
    _require_owner(actor, resource.org)
    count, last_position = db.session.execute(
        select(func.count(), func.max(ResourcePhoto.position)).where(ResourcePhoto.resource_id == resource.id)
    ).one()
    if count >= photos.MAX_PHOTOS:
        raise RuleViolation(_l("A resource can have at most %(n)d photos.", n=photos.MAX_PHOTOS), field="photo")
    prepared = data if isinstance(data, photos.PreparedPhoto) else photos.prepare_upload(data)
    stored = photos.store_prepared(prepared)
    photo = ResourcePhoto(resource=resource, sha256=stored.sha256, width=stored.width, height=stored.height,
                          position=0 if last_position is None else last_position + 1)
    db.session.add(photo)
    db.session.flush()
    record("resource.photo_added", actor=actor, obj=resource, sha256=stored.sha256)
    return photo


def remove_photo(actor, resource: Resource, photo_id: int) -> None:
    _require_owner(actor, resource.org)
    photo = get_photo(resource, photo_id)
    db.session.delete(photo)
    db.session.flush()
    record("resource.photo_removed", actor=actor, obj=resource, sha256=photo.sha256)


def related_entries(entry, *, viewer) -> list:
    """For a resource, the open needs it may answer; for a need, the offers that match it best."""
    other = Need if isinstance(entry, Resource) else Resource
    return similar(other, f"{entry.title} {entry.description}", kind=entry.kind,
                   public_only=not policy.is_network_member(viewer), exclude_org=entry.org_id)


def org_entries(model, org, *, viewer) -> list:
    """An organization's offers or needs as this viewer may see them, newest first."""
    query = select(model).where(model.org_id == org.id).order_by(model.id.desc())
    if not (policy.belongs_to(viewer, org) or policy.is_coordinator(viewer)):
        query = query.where(model.state == choices.ACTIVE)
        if not policy.is_network_member(viewer):
            query = query.where(model.visibility == choices.PUBLIC)
    return db.session.scalars(query).all()

