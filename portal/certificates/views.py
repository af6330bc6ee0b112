from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length, Optional

from .. import policy
from ..agreements import services as agreements
from ..agreements.models import Agreement, AgreementFile
from ..errors import NotAllowed
from ..extensions import db, limiter
from ..forms import EmptyForm, strip
from ..orgs.models import Organization
from ..signing.verify import verify_pdf
from . import bp, services

PROBLEMS = {
    "too_large": _l("The file is too large: the largest PDF checked here is %(size)s."),
    "not_pdf": _l("This is not a PDF file."),
    "encrypted": _l("The PDF is encrypted (password-protected): it cannot be checked."),
    "unreadable": _l("The PDF is damaged or incomplete and cannot be read."),
    "no_signatures": _l("The PDF has no electronic signatures."),
}


class VerifyForm(FlaskForm):
    code = StringField(_l("Verification code"), filters=[strip], validators=[Optional(), Length(max=20)],
                       description=_l("As printed at the bottom of every page, e.g. 7TR7-DL4K-CGJE."))
    document = FileField(_l("Agreement PDF"))


def _normalised_code(code: str) -> str:
    compact = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _agreement_by_code(code: str) -> Agreement | None:
    if not code:
        return None
    return db.session.scalar(select(Agreement).where(Agreement.verification_code == _normalised_code(code)))


def _held_file(sha256: str) -> tuple[AgreementFile, Agreement, bool] | None:
    """The stored file with these bytes, its agreement, and whether it is the newest file of it."""
    stored = db.session.scalar(select(AgreementFile).where(AgreementFile.sha256 == sha256).limit(1))
    if stored is None:
        return None
    agreement = db.session.get(Agreement, stored.agreement_id)
    return stored, agreement, stored.revision == agreements.current_file(agreement.id).revision


def _public_record(agreement: Agreement | None) -> dict | None:
    """What the verify page says of an agreement to anyone: no e-mails, IPs or comments."""
    if agreement is None or not agreement.is_frozen:
        return None
    return {"agreement": agreement, "newest": agreements.current_file(agreement.id)}


def _size_text(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 else f"{max(1, size // 1024)} KB"


def check_upload(data: bytes):
    """The report on an uploaded PDF. Signatures are checked against the network CA; those it does not
    vouch for, against the qualified roots accepted for signatures made outside the portal too."""
    limit = current_app.config["VERIFY_MAX_BYTES"]
    report = verify_pdf(data, services.network_trust_roots(), max_bytes=limit)
    external_roots = services.external_trust_roots()
    qualified = set()
    if external_roots and not report.problem and not all(s.trusted for s in report.signatures):
        wider = verify_pdf(data, services.network_trust_roots() + external_roots, max_bytes=limit)
        qualified = {i for i, (narrow, wide) in enumerate(zip(report.signatures, wider.signatures))
                     if wide.trusted and not narrow.trusted}
        report = wider
    return report, qualified


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def verify():
    form = VerifyForm()
    report, held, qualified = None, None, set()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = strip(request.args["code"])[:20]
    submitted = form.validate_on_submit()
    form.code.errors, form.document.errors = list(form.code.errors), list(form.document.errors)
    looked_up = _agreement_by_code(form.code.data or "")
    if submitted:
        upload = form.document.data
        if upload:
            report, qualified = check_upload(upload.read(current_app.config["VERIFY_MAX_BYTES"] + 1))
            held = _held_file(report.sha256)
            if held and not looked_up:
                looked_up = held[1]
        elif not form.code.data:
            form.document.errors.append(_("Choose the PDF file, or type the verification code."))
    if form.code.data and looked_up is None and not form.errors:
        form.code.errors.append(_("No agreement of the portal has this verification code."))
    elif looked_up is not None and not looked_up.is_frozen:
        form.code.errors.append(_("This agreement is still a draft: there is nothing signed to verify yet."))
    problem_text = None
    if report is not None and report.problem:
        problem_text = str(PROBLEMS[report.problem]) % {"size": _size_text(current_app.config["VERIFY_MAX_BYTES"])}
    return render_template("certificates/verify.html", form=form, report=report, held=held, qualified=qualified,
                           record=_public_record(looked_up), problem_text=problem_text,
                           state_label=agreements.state_label)


@bp.get("/verify/network-ca.pem")
def ca_certificate():
    data = services.ca_certificate_pem()
    db.session.commit()  # the first request may have made the CA
    response = Response(data, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="network-ca.pem"'
    return response


@bp.get("/coordination/certificates")
@login_required
def overview():
    if not policy.is_coordinator(current_user):
        abort(403)
    authority = services.ensure_authority()
    db.session.commit()
    return render_template("certificates/overview.html", authority=authority, rows=services.overview(),
                           action_form=EmptyForm())


@bp.post("/coordination/certificates/<int:org_id>/rotate")
@login_required
def rotate(org_id):
    org = db.session.get(Organization, org_id)
    if not policy.is_coordinator(current_user):
        abort(403)
    if org is None or not EmptyForm().validate_on_submit():
        abort(404 if org is None else 400)
    try:
        row = services.rotate(current_user, org)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except services.SigningUnavailable as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    else:
        db.session.commit()
        flash(_("%(org)s has a new certificate (%(fingerprint)s…).", org=org.name, fingerprint=row.fingerprint[:16]),
              "success")
    return redirect(url_for("certificates.overview"))
