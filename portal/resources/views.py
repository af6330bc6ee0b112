import io
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..body_limits import allows_body
from ..dates import local_today
from ..errors import require
from ..extensions import db
from ..orgs.choices import MUNICIPALITIES, translated
from ..orgs.services import find_member, member_name
from ..text import fold_diacritics
from ..transaction import attempt
from ..urls import query_id, query_page
from . import choices, pages, photos, search, services
from .cards import cards_for
from .forms import NeedForm, NewResourceForm, PhotoForm, ResourceForm, StateForm
from .models import Need, Resource

bp = Blueprint("resources", __name__)

KINDS = {
    "resources": {"model": Resource, "form": ResourceForm},
    "needs": {"model": Need, "form": NeedForm},
}
FILTER_VOCABULARIES = {
    "kind": choices.KINDS, "category": choices.CATEGORIES, "municipality": MUNICIPALITIES,
    "terms": choices.TERMS, "language": choices.LANGUAGES, "sort": choices.SORTS,
}


def _section(model) -> str:
    return "resources" if model is Resource else "needs"


def _entry_url(entry) -> str:
    endpoint = "resources.resource" if isinstance(entry, Resource) else "resources.need"
    return url_for(endpoint, entry_id=entry.id)


def _save_form(model, form, save, success_message, entry=None):
    """Publish or edit: run the rule on a valid form, or show the form with its messages."""
    if form.validate_on_submit():
        saved = attempt(lambda: save(form.entry_data()), form=form, field="title")
        if saved:
            flash(success_message, "success")
            return redirect(_entry_url(saved.value))
    return render_template("resources/form.html", form=form, section=_section(model), entry=entry)


def _organization_filter(args) -> dict:
    """The organization filter: typed by name (org_name, with suggestions) or given by id (org, from links).
    Returns the id to filter by, the name to show in the field and, when the name means no single member,
    a message and the members it could mean."""
    org_id = query_id("org")
    digits = re.fullmatch(r"[0-9]+", args.get("org", "")) is not None
    org = str(org_id) if org_id else ("0" if digits else "")  # 2147483648 is no one's; "²" or "abc" no filter
    typed = args.get("org_name", "").strip()[:200]
    if not typed:
        return {"id": org, "name": (org and member_name(int(org))) or "", "error": None, "suggestions": []}
    if org and fold_diacritics(member_name(int(org)) or "") == fold_diacritics(typed):
        return {"id": org, "name": typed, "error": None, "suggestions": []}
    found, suggestions = find_member(typed)
    if found is not None:
        return {"id": str(found), "name": typed, "error": None, "suggestions": []}
    error = _("Several member organizations match: choose one from the list.") if suggestions else \
        _("No member organization has this name.")
    return {"id": "0", "name": typed, "error": error, "suggestions": suggestions}


def catalogue_query(org: str = "") -> search.CatalogueQuery:
    args = request.args
    values = {}
    for name, vocabulary in FILTER_VOCABULARIES.items():
        value = args.get(name, "")
        values[name] = value if value in dict(vocabulary) else ""
    return search.CatalogueQuery(
        q=args.get("q", "")[:200], org=org, page=query_page(),
        **{k: v for k, v in values.items() if k != "sort"}, sort=values["sort"] or "relevance",
    )


def _listing(model, template_title):
    section = _section(model)
    viewer = current_user._get_current_object()  # once: each use of the proxy looks the person up again
    signed_in = viewer.is_authenticated
    can_publish = signed_in and policy.can_edit_catalogue(viewer, viewer.org)
    audience = (signed_in, policy.is_network_member(viewer), can_publish)
    content = pages.rendered(db.session, (get_locale(), local_today(), section, audience, request.full_path),
                             lambda: _listing_content(model, section, template_title, audience[1], can_publish))
    return render_template("resources/catalogue.html", title=template_title, content=content)


def _listing_content(model, section, title, network_member, can_publish):
    org_filter = _organization_filter(request.args)
    query = catalogue_query(org_filter["id"])
    results = search.search(model, query, public_only=not network_member, load=False)
    return render_template(
        "resources/_listing.html", section=section, results=results, query=query,
        cards=cards_for(model, results.ids, section), org_filter=org_filter, can_publish=can_publish,
        title=title,
        vocab={name: translated(v).items() for name, v in FILTER_VOCABULARIES.items()},
    )


@bp.get("/resources")
def catalogue():
    return _listing(Resource, _("Resources"))


@bp.get("/needs")
def needs():
    return _listing(Need, _("Needs"))


def _publish(model):
    require(policy.can_edit_catalogue(current_user, current_user.org))
    form = NewResourceForm() if model is Resource else NeedForm()
    if request.method == "GET":
        form.municipality.data = current_user.org.municipality
        if request.args.get("kind") in dict(choices.KINDS):
            form.kind.data = request.args["kind"]
    new_photos = lambda: getattr(form, "prepared_photos", ())  # noqa: E731  (checked while validating)
    return _save_form(model, form, lambda data: services.publish(model, current_user, data, new_photos()),
                      _("Published."))


@bp.route("/resources/new", methods=["GET", "POST"])
@allows_body(photos.MAX_PHOTOS * photos.MAX_BYTES + 2 * 1024 * 1024)  # six photos and the form's text
@login_required
def new_resource():
    return _publish(Resource)


@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def new_need():
    return _publish(Need)


def _detail(model, entry_id, photo_form=None):
    """The entry's page; `photo_form`: a photo upload refused, shown again with its message at the field."""
    entry = services.get_visible_entry(current_user, model, entry_id)
    return render_template(
        "resources/detail.html", entry=entry, section=_section(model),
        related=services.related_entries(entry, viewer=current_user),
        can_edit=policy.belongs_to(current_user, entry.org) and policy.can_edit_catalogue(current_user, entry.org),
        photo_form=photo_form or PhotoForm(formdata=None), state_form=StateForm(),
    )


@bp.get("/resources/<int:entry_id>")
def resource(entry_id):
    return _detail(Resource, entry_id)


@bp.get("/needs/<int:entry_id>")
def need(entry_id):
    return _detail(Need, entry_id)


def _edit(model, entry_id):
    entry = services.get_own_entry(current_user, model, entry_id)
    form = KINDS[_section(model)]["form"](obj=entry)
    if request.method == "GET":
        form.languages.data = entry.language_codes

    def save(data):
        services.update(current_user, entry, data)
        return entry

    return _save_form(model, form, save, _("Saved."), entry)


@bp.route("/resources/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_resource(entry_id):
    return _edit(Resource, entry_id)


@bp.route("/needs/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_need(entry_id):
    return _edit(Need, entry_id)


STATE_MESSAGES = {
    choices.ACTIVE: lambda: _("It is active again and shown in the catalogue."),
    choices.PAUSED: lambda: _("Paused: hidden from the catalogue until you activate it."),
    choices.ARCHIVED: lambda: _("Archived: hidden from the catalogue, kept for the record."),
}


def _change_state(model, entry_id):
    entry = services.get_own_entry(current_user, model, entry_id)
    form = StateForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(lambda: services.change_state(current_user, entry, form.state.data)):
        flash(STATE_MESSAGES[entry.state](), "success")
    return redirect(_entry_url(entry))


@bp.post("/resources/<int:entry_id>/state")
@login_required
def resource_state(entry_id):
    return _change_state(Resource, entry_id)


@bp.post("/needs/<int:entry_id>/state")
@login_required
def need_state(entry_id):
    return _change_state(Need, entry_id)


@bp.post("/resources/<int:entry_id>/photos")
@login_required
def add_photo(entry_id):
    entry = services.get_own_entry(current_user, Resource, entry_id)
    form = PhotoForm()
    if form.validate_on_submit() and attempt(
            lambda: services.add_photo(current_user, entry, form.photo.data.read(photos.MAX_BYTES + 1)),
            form=form, field="photo", success=_("The photo is added.")):
        return redirect(url_for("resources.resource", entry_id=entry.id) + "#photos")
    return _detail(Resource, entry.id, photo_form=form), 422


@bp.post("/resources/<int:entry_id>/photos/<int:photo_id>/delete")
@login_required
def remove_photo(entry_id, photo_id):
    entry = services.get_own_entry(current_user, Resource, entry_id)
    services.remove_photo(current_user, entry, photo_id)
    flash(_("The photo is removed."), "success")
    return redirect(url_for("resources.resource", entry_id=entry.id) + "#photos")


@bp.get("/resources/<int:entry_id>/photos/<int:photo_id>/<any(full, thumb):size>.jpg")
def photo(entry_id, photo_id, size):
    entry = services.get_visible_entry(current_user, Resource, entry_id)
    stored = services.get_photo(entry, photo_id)
    data = photos.read_photo(stored.sha256, size)
    if data is None:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype="image/jpeg", download_name=f"{entry.id}-{photo_id}.jpg",
                         as_attachment=False, max_age=0 if entry.visibility != "public" else 3600,
                         etag=f"{stored.sha256}.{size}")
    response.headers["Content-Disposition"] = f'inline; filename="{entry.id}-{photo_id}.jpg"'
    return response
