"""The agreements' pages: the lists, the agreement's page and its decisions, signing, the PDFs. A new draft and
the editor are in drafting_views.py, on the same blueprint (blueprint.py)."""
from flask import Response, abort, current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..errors import found, require
from ..forms import EmptyForm
from ..transaction import attempt, outside_the_write_lock
from . import completion, drafting, files, preview, services, signatures, timeline
from . import drafting_views  # noqa: F401  (its pages are on bp)
from .blueprint import LABELS, bp, load_agreement, to_detail
from .forms import CommentForm, ExternalSignatureForm, ReturnForm, SignForm, SignatoryForm, TerminateForm
from .models import STATES, Agreement
from .pdf import render_pdf
from .printing import build_document


# ---------------------------------------------------------------- lists

@bp.get("/agreements")
@login_required
def index():
    agreements = services.for_org(current_user.org_id)
    groups = [(state, [a for a in agreements if a.state == state]) for state in STATES]
    return render_template(
        "agreements/index.html", groups=[(s, items) for s, items in groups if items],
        accession_to=drafting.needs_accession(current_user.org),
        queue_size=services.waiting_for_approval() if policy.is_coordinator(current_user) else 0, **LABELS)


@bp.get("/agreements/queue")
@login_required
def queue():
    require(policy.is_coordinator(current_user))
    state = request.args.get("state", "")
    return render_template(
        "agreements/queue.html", waiting=services.approval_queue(),
        network=services.all_agreements(state if state in STATES else None), states=STATES, chosen_state=state,
        **LABELS)


# ---------------------------------------------------------------- the agreement page

@bp.get("/agreements/<int:agreement_id>")
@login_required
def detail(agreement_id):
    return _detail_page(load_agreement(agreement_id))


def _detail_page(agreement: Agreement, **sent_forms):
    """The agreement's page; `sent_forms`: a form sent from it that is shown again with its messages."""
    own_party = agreement.party_for(current_user.org_id)
    signatory_form = None
    if own_party is not None and policy.can_choose_signatory(current_user, agreement):
        signatory_form = SignatoryForm(signatory=own_party.signatory_id or 0)
        signatory_form.signatory.choices = [(p.id, f"{p.name}, {p.position}" if p.position else p.name)
                                            for p in services.representatives(current_user.org)]
    stored = files.current_file(agreement.id) if agreement.is_frozen else None
    return render_template(
        "agreements/detail.html", agreement=agreement, own_party=own_party, stored=stored,
        signing_copy=files.signing_copy(agreement.id) if stored else None,
        completion=completion.certificate_of(agreement.id) if agreement.in_force_at else None,
        **{name: sent_forms.get(name) or form_class(formdata=None) for name, form_class in (
            ("comment_form", CommentForm), ("return_form", ReturnForm), ("terminate_form", TerminateForm))},
        signatory_form=signatory_form, action_form=EmptyForm(), statuses=timeline.statuses(agreement),
        may_remind=timeline.may_remind(current_user, agreement), next_reminder_at=timeline.next_reminder_at,
        party_can_sign=policy.can_upload_signature(current_user, agreement), **LABELS)


@bp.post("/agreements/<int:agreement_id>/parties/<int:party_id>/remind")
@login_required
def remind(agreement_id, party_id):
    agreement = load_agreement(agreement_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: timeline.remind_to_sign(current_user, agreement, party_id),
            success=lambda party: _("%(name)s is reminded to sign for %(org)s.", name=party.signatory.name,
                                    org=party.org.name))
    return to_detail(agreement)


@bp.post("/agreements/<int:agreement_id>/comments")
@login_required
def comment(agreement_id):
    agreement = load_agreement(agreement_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _detail_page(agreement, comment_form=form), 422
    attempt(lambda: services.add_comment(current_user, agreement, form.body.data), success=_("Comment added."))
    return to_detail(agreement)


@bp.post("/agreements/<int:agreement_id>/signatory")
@login_required
def choose_signatory(agreement_id):
    agreement = load_agreement(agreement_id)
    require(policy.can_choose_signatory(current_user, agreement))
    people = {p.id: p for p in services.representatives(current_user.org)}
    form = SignatoryForm()
    form.signatory.choices = [(p.id, p.name) for p in people.values()]
    if not form.validate_on_submit():
        flash(_("Choose a representative of your organization."), "error")
        return to_detail(agreement)
    person = people[form.signatory.data]
    attempt(lambda: services.choose_signatory(current_user, agreement, person),
            success=_("%(name)s will sign for your organization.", name=person.name))
    return to_detail(agreement)


def _button(agreement_id, action, message):
    agreement = load_agreement(agreement_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: action(current_user, agreement), success=message)
    return to_detail(agreement)


@bp.post("/agreements/<int:agreement_id>/submit")
@login_required
def submit(agreement_id):
    return _button(agreement_id, services.submit, _("Submitted. A coordinator will review it."))


@bp.post("/agreements/<int:agreement_id>/approve")
@login_required
def approve(agreement_id):
    agreement = load_agreement(agreement_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    # The signing copy is rendered (the slow part) before the approval takes the write lock.
    prepared = outside_the_write_lock(lambda: services.prepare_approval(current_user, load_agreement(agreement_id)))
    attempt(lambda: services.approve(current_user, agreement, prepared=prepared), success=lambda _approved: (
        _("Approved. The signing copy is being made; the parties' representatives will be told when they "
          "can sign it.") if agreement.is_being_certified else
        _("Approved. The signing copy is made; the parties' representatives can sign it now.")))
    return to_detail(agreement)


@bp.post("/agreements/<int:agreement_id>/return")
@login_required
def return_to_drafter(agreement_id):
    agreement = load_agreement(agreement_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _detail_page(agreement, return_form=form), 422
    attempt(lambda: services.return_to_drafter(current_user, agreement, form.comment.data),
            success=_("Returned to the drafter with your comment."))
    return to_detail(agreement)


@bp.post("/agreements/<int:agreement_id>/terminate")
@login_required
def terminate(agreement_id):
    agreement = load_agreement(agreement_id)
    form = TerminateForm()
    if not form.validate_on_submit():
        return _detail_page(agreement, terminate_form=form), 422
    attempt(lambda: services.terminate(current_user, agreement, form.reason.data),
            success=_("The agreement is terminated."))
    return to_detail(agreement)


# ---------------------------------------------------------------- signing

def _signing_page(agreement: Agreement, form=None, upload_form=None):
    require(policy.is_agreement_party(current_user, agreement) and current_user.is_representative)
    if not current_user.org.is_active:
        flash(_("%(org)s is not an active member and cannot sign now.", org=current_user.org.name), "error")
        return to_detail(agreement)
    if not policy.can_upload_signature(current_user, agreement):
        flash(_("There is nothing for you to sign here."), "info")
        return to_detail(agreement)
    if form is not None:
        form.password.data = ""
    return render_template(
        "agreements/sign.html", agreement=agreement, party=agreement.party_for(current_user.org_id),
        form=form or SignForm(formdata=None), upload_form=upload_form or ExternalSignatureForm(formdata=None),
        is_signatory=policy.can_sign_agreement(current_user, agreement),
        signed_text=preview.signing_copy_html(agreement),
        accepts_external=bool(current_app.config.get("EXTERNAL_SIGNATURE_TRUST_ROOTS")), **LABELS)


@bp.route("/agreements/<int:agreement_id>/sign", methods=["GET", "POST"])
@login_required
def sign(agreement_id):
    agreement = load_agreement(agreement_id)
    form = SignForm()
    if (request.method == "POST" and policy.can_upload_signature(current_user, agreement)
            and form.validate_on_submit(check=lambda: signatures.check_signing(
                current_user, agreement, **form.values("password", "typed_name", "consent")))
            and attempt(lambda: signatures.sign(current_user, agreement, password=form.password.data,
                                                typed_name=form.typed_name.data, consent=form.consent.data),
                        form=form)):
        flash(_("Signed for %(org)s.", org=current_user.org.name), "success")
        return to_detail(agreement)
    return _signing_page(agreement, form=form)


@bp.post("/agreements/<int:agreement_id>/upload")
@login_required
def upload_signed(agreement_id):
    agreement = load_agreement(agreement_id)
    form = ExternalSignatureForm()
    if policy.can_upload_signature(current_user, agreement) and form.validate_on_submit():
        if not form.document.data:
            form.document.errors.append(_("Choose the signed PDF file."))
        elif attempt(lambda: signatures.sign_externally(current_user, agreement, form.document.data.read()),
                     form=form, field="document"):
            flash(_("The signed file is accepted: %(org)s has signed.", org=current_user.org.name), "success")
            return to_detail(agreement)
    return _signing_page(agreement, upload_form=form)


# ---------------------------------------------------------------- the PDF

@bp.get("/agreements/<int:agreement_id>/pdf")
@login_required
def pdf(agreement_id):
    """A draft is rendered fresh as a preview marked DRAFT; from approval on, the stored bytes, never
    rendered again (`?copy=signing` gives the signing copy as approved, before any signature)."""
    agreement = load_agreement(agreement_id)
    if not agreement.is_frozen:
        if not preview.allowed(current_user):
            abort(429)
        data = render_pdf(build_document(agreement))
        return _pdf_response(data, f"{_file_stem(agreement)}-draft.pdf", cache=False)
    if files.current_file(agreement.id) is None:  # approved a moment ago: a worker is making the copy
        flash(_("The signing copy is still being made. Try again in a minute."), "info")
        return to_detail(agreement)
    stored = files.file_to_download(agreement, signing=request.args.get("copy") == "signing")
    return _pdf_response(stored.data, f"{_file_stem(agreement)}-{stored.revision}.pdf", etag=stored.sha256)


@bp.get("/agreements/<int:agreement_id>/completion-certificate")
@login_required
def completion_certificate(agreement_id):
    """The completion certificate as stored, for whoever may see the agreement; none before entry into force."""
    agreement = load_agreement(agreement_id)
    certificate = found(completion.certificate_of(agreement.id))
    data = completion.certificate_bytes(certificate)
    if data is None:
        flash(_("The completion certificate cannot be read now. Tell a coordinator."), "error")
        return to_detail(agreement)
    return _pdf_response(data, f"{_file_stem(agreement)}-completion-certificate.pdf", etag=certificate.sha256)


def _file_stem(agreement: Agreement) -> str:
    return "agreement-" + agreement.number.replace("/", "-")


def _pdf_response(data: bytes, filename: str, cache: bool = True, etag: str | None = None) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache" if cache else "no-store"
    if etag:
        response.set_etag(etag)
    return response
