from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..certificates import revocation, services as certificate_services
from ..errors import require
from ..forms import EmptyForm
from ..mail import delivery
from ..orgs.services import get_visible_org
from ..transaction import attempt
from . import services

bp = Blueprint("coordination", __name__)


@bp.get("/coordination/audit")
@login_required
def audit_log():
    require(policy.can_view_audit_log(current_user))
    filters = {name: request.args.get(name, "").strip() for name in services.AUDIT_FILTERS}
    page = services.audit_page(filters, request.args.get("page", 1, type=int))
    return render_template("coordination/audit_log.html", filters=filters, **vars(page))


@bp.get("/coordination/certificates")
@login_required
def certificates():
    require(policy.is_coordinator(current_user))
    return render_template("coordination/certificates.html", authority=certificate_services.ensure_authority(),
                           rows=services.certificate_overview(), action_form=EmptyForm(),
                           revocation_list=revocation.current_list(), revoked=revocation.revoked_count())


@bp.post("/coordination/certificates/<int:org_id>/rotate")
@login_required
def rotate_certificate(org_id):
    require(policy.is_coordinator(current_user))
    org = get_visible_org(current_user, org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    rotated = attempt(lambda: revocation.rotate(current_user, org))
    if rotated:
        flash(_("%(org)s has a new certificate (%(fingerprint)s…).", org=org.name,
                fingerprint=rotated.value.fingerprint[:16]), "success")
    return redirect(url_for("coordination.certificates"))


@bp.get("/coordination/mail")
@login_required
def mail():
    """What the outbox holds, and the mails that could not be sent, with the reason."""
    require(policy.is_coordinator(current_user))
    return render_template("coordination/mail.html", overview=delivery.overview(), action_form=EmptyForm())


@bp.post("/coordination/mail/<int:message_id>/send-again")
@login_required
def send_mail_again(message_id):
    require(policy.is_coordinator(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: delivery.send_again(current_user, message_id),
            success=_("The mail is handed back to the sender."))
    return redirect(url_for("coordination.mail"))
