from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from ..agreements.workflow import state_label
from ..extensions import limiter
from ..forms import strip
from ..transaction import reads_only
from . import services
from .forms import VerifyForm

bp = Blueprint("verification", __name__)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
@reads_only
def verify():
    form = VerifyForm()
    report, held, certificate, report_document, qualified = None, None, None, None, set()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = strip(request.args["code"])[:20]
    submitted = form.validate_on_submit()
    form.code.errors, form.document.errors = list(form.code.errors), list(form.document.errors)
    looked_up = services.agreement_by_code(form.code.data or "")
    if submitted:
        upload = form.document.data
        if upload:
            report, qualified = services.check_upload(upload.read(current_app.config["VERIFY_MAX_BYTES"] + 1))
            held = services.held_file(report.sha256)
            certificate = services.held_certificate(report.sha256) if held is None else None
            if held is None and certificate is None:
                report_document = services.held_report(report.sha256)
            if held and not looked_up:
                looked_up = held[1]
            elif certificate and not looked_up:
                looked_up = certificate.agreement
        elif not form.code.data:
            form.document.errors.append(_("Choose the PDF file, or type the verification code."))
    if form.code.data and looked_up is None and not form.errors:
        form.code.errors.append(_("No agreement of the portal has this verification code."))
    elif looked_up is not None and not looked_up.is_frozen:
        form.code.errors.append(_("This agreement is still a draft: there is nothing signed to verify yet."))
    return render_template(
        "verification/verify.html", form=form, report=report, held=held, certificate=certificate,
        report_document=report_document, qualified=qualified,
        record=services.public_record(looked_up), state_label=state_label, level_text=services.level_text,
        qualifications=services.QUALIFICATIONS,
        verdict=services.verdict(report, held, certificate, report_document)
        if report is not None and not report.problem else None,
        changes_after=services.changes_after(report) if report is not None and not report.problem else [],
        problem_text=services.problem_text(report.problem) if report is not None and report.problem else None)
