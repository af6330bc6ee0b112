"""The drafting pages: a new agreement (cooperation, network, accession, or on an exchange) and the editor,
with its preview and its sections rearranged before saving."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from .. import policy
from ..dates import local_today
from ..errors import RuleViolation, require
from ..exchanges import services as exchanges
from ..exchanges.forms import ExchangeAgreementForm
from ..transaction import attempt, reads_only
from . import drafting, preview
from .blueprint import LABELS, bp, load_agreement, to_detail
from .forms import (SECTION_OPERATIONS, EditAgreementForm, NewAgreementForm, parsed_stamp, rearranged_sections,
                    section_points, sized)
from .models import Agreement
from .printing import build_document


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required
def new():
    require(policy.can_draft_agreement(current_user))
    partners = drafting.partner_choices(current_user)
    form = NewAgreementForm(language=current_user.locale if current_user.locale in ("lv", "en") else "lv")
    form.partner.choices = [(0, "—")] + [(org.id, org.name) for org in partners]
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "cooperation")
        if form.kind.data not in ("cooperation", "network", "accession"):
            form.kind.data = "cooperation"
        form.valid_from.data = local_today()
    if form.validate_on_submit(check=lambda: _check_draft(form, partners)):
        drafted = attempt(lambda: _draft(form, partners), form=form, field="kind")
        if drafted:
            flash(_("The draft is ready. Edit the clauses, then submit it for approval."), "success")
            return redirect(url_for("agreements.edit", agreement_id=drafted.value.id))
    return render_template("agreements/new.html", form=form,
                           network_in_force=drafting.network_agreement_in_force(),
                           accession_to=drafting.needs_accession(current_user.org))


def _check_draft(form: NewAgreementForm, partners) -> None:
    """The checks of a new draft that can be made with fields refused, so that all are shown at once."""
    problems = drafting.term_problems(**form.values("valid_from", "valid_to"))
    if form.kind.data == "cooperation" and not any(org.id == form.partner.data for org in partners):
        problems = {"partner": _("Choose the other party."), **problems}
    if problems:
        raise RuleViolation.of_fields(problems)


def _draft(form: NewAgreementForm, partners) -> Agreement:
    term = {"language": form.language.data, "valid_from": form.valid_from.data}
    if form.kind.data == "cooperation":
        partner = next((org for org in partners if org.id == form.partner.data), None)
        if partner is None:
            raise RuleViolation(_("Choose the other party."), field="partner")
        return drafting.draft_cooperation(current_user, partner, valid_to=form.valid_to.data, **term)
    if form.kind.data == "network":
        return drafting.draft_network(current_user, valid_to=form.valid_to.data, **term)
    return drafting.draft_accession(current_user, **term)


@bp.post("/exchanges/<int:exchange_id>/agreement")
@login_required
def draft_for_exchange(exchange_id):
    exchange = exchanges.get_visible_exchange(current_user, exchange_id)
    require(policy.can_draft_agreement(current_user))
    form = ExchangeAgreementForm()
    if not form.validate_on_submit():
        abort(400)
    drafted = attempt(lambda: drafting.draft_for_exchange(current_user, exchange, language=form.language.data))
    if not drafted:
        return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    flash(_("The draft is ready. Edit the clauses, then submit it for approval."), "success")
    return redirect(url_for("agreements.edit", agreement_id=drafted.value.id))


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id):
    agreement = load_agreement(agreement_id)
    if not policy.can_edit_agreement(current_user, agreement):
        require(not agreement.is_editable)
        flash(_("This agreement can no longer be edited."), "info")
        return to_detail(agreement)
    if request.method == "GET":
        form = EditAgreementForm(data={
            "title": agreement.title, "place": agreement.place, "valid_from": agreement.valid_from,
            "valid_to": agreement.valid_to, "review_on": agreement.review_on,
            "clauses": agreement.clauses or [{"heading": "", "text": ""}],
            "edit_stamp": drafting.edit_stamp(agreement)})
    elif request.form.get("op") == "preview":
        return _preview_in_editor(agreement)
    elif request.form.get("op", "save").partition("-")[0] in SECTION_OPERATIONS:
        return _rearrange(agreement)
    else:
        form = EditAgreementForm()
    clauses = form.typed_clauses()
    check = lambda: drafting.check_draft(**form.values("title", "valid_from", "valid_to", "review_on"),  # noqa: E731
                                         clauses=clauses)
    if form.validate_on_submit(check=check) and attempt(lambda: drafting.update_draft(
            current_user, agreement, title=form.title.data, place=form.place.data or "",
            valid_from=form.valid_from.data, valid_to=form.valid_to.data, review_on=form.review_on.data,
            clauses=clauses, expected_updated_at=parsed_stamp(form.edit_stamp.data)), form=form):
        flash(_("Saved."), "success")
        return to_detail(agreement)
    return _editor(agreement, form)


def _typed_document(agreement: Agreement, form: EditAgreementForm):
    return preview.typed_document(agreement, **form.values("title", "place", "valid_from", "valid_to"),
                                  clauses=form.typed_clauses())


def _editor(agreement: Agreement, form: EditAgreementForm, *, counted: bool = False, **context):
    """The edit page, the draft's preview beside the text: of what is typed, or of what is stored before any
    typing. `counted`: the preview was asked for (the button), so it counts against the person's limit."""
    doc = _typed_document(agreement, form) if form.is_submitted() else build_document(agreement)
    if counted and not preview.allowed(current_user):
        doc, context["preview_limited"] = None, True
    return render_template("agreements/edit.html", agreement=agreement, form=sized(form), points=section_points,
                           preview_html=preview.preview_html(doc) if doc else None, **context, **LABELS)


def _checked_csrf() -> None:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)


def _preview_in_editor(agreement: Agreement):
    """The "Preview" button: the page comes back with the preview of what is typed, nothing saved."""
    _checked_csrf()
    return _editor(agreement, EditAgreementForm(), counted=True)


@bp.post("/agreements/<int:agreement_id>/preview")
@login_required
@reads_only
def preview_draft(agreement_id):
    """The preview of the typed draft alone (the document's HTML), for the editor's script."""
    agreement = load_agreement(agreement_id)
    require(policy.can_edit_agreement(current_user, agreement))
    if not preview.allowed(current_user):
        return Response(_("Too many previews in a minute: the preview is refreshed again in a moment."), status=429,
                        mimetype="text/plain", headers={"Retry-After": "10"})
    doc = _typed_document(agreement, EditAgreementForm())
    if doc is None:
        return Response(_("The draft is longer than an agreement may be: shorten it to see the preview."),
                        status=422, mimetype="text/plain")
    return Response(preview.preview_html(doc), mimetype="text/html")


def _rearrange(agreement: Agreement):
    """A section added, removed or moved: the form comes back with the change, not saved yet."""
    _checked_csrf()
    op = request.form["op"]
    data, focus, focus_point = rearranged_sections(request.form, op)
    form = EditAgreementForm(formdata=data)
    if op.startswith("point-"):
        flash(_("The points are rearranged. Press “Save” to keep the change."), "info")
    else:
        flash(_("The sections are rearranged. Press “Save” to keep the change."), "info")
    return _editor(agreement, form, focus=focus, focus_point=focus_point)
