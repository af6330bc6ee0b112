from datetime import timezone

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from .. import policy, spreadsheets
from ..certificates import revocation, services as certificate_services
from ..errors import require
from ..exchanges import confirmations, resolutions
from ..exchanges.forms import ResolutionForm
from ..forms import EmptyForm
from ..mail import delivery
from ..orgs.services import get_visible_org
from ..transaction import attempt
from ..urls import query_id, query_page
from . import audit_text, services

bp = Blueprint("coordination", __name__)


def _audit_filters() -> dict:
    filters = {name: request.args.get(name, "").strip()[:100] for name in services.AUDIT_FILTERS}
    filters["org"] = str(query_id("org") or "")  # "²" and 2147483648 are no organization
    return filters


@bp.get("/coordination/audit")
@login_required
def audit_log():
    require(policy.can_view_audit_log(current_user))
    filters = _audit_filters()
    page = services.audit_page(filters, query_page())
    return render_template("coordination/audit_log.html", filters=filters, described=audit_text.describe(page.events),
                           action_groups=audit_text.action_choices(page.actions), outcomes=audit_text.OUTCOMES,
                           **vars(page))


@bp.get("/coordination/audit.csv")
@login_required
def audit_csv():
    """The filtered log as a spreadsheet in the reader's language: names and sentences, and the codes and hashes
    beside them for whoever checks the chain."""
    require(policy.can_view_audit_log(current_user))
    header = [_("Time (UTC)"), _("Action"), _("Outcome"), _("Person"), _("E-mail"), _("Organization"), _("Object"),
              _("Details"), _("IP address"), _("Event No."), _("Action code"), _("Hash")]
    rows = [[d.event.created_at.astimezone(timezone.utc).replace(tzinfo=None), d.action, d.outcome,
             str(d.who or ""), d.event.actor.email if d.event.actor else "", str(d.org or ""), str(d.obj or ""),
             d.details_text(), d.event.ip, d.event.id, d.event.action, d.event.hash]
            for d in audit_text.describe(services.audit_export(_audit_filters()))]
    language = get_locale().language
    response = Response(spreadsheets.csv_file(header, rows, language), mimetype="text/csv")
    name = "audita-zurnals" if language == "lv" else "audit-log"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


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


# ---------------------------------------------------------------- settling a disputed exchange

def _prefilled(exchange) -> ResolutionForm:
    """The form as first shown: the figures counted now (the lower of each)."""
    hourly = exchange.resource.value_unit == "hour"
    return ResolutionForm(formdata=None, quantity=exchange.used_quantity or None, hours=exchange.used_hours or None,
                          value_units=(exchange.value_units or None) if hourly else exchange.value_units,
                          value_eur=exchange.value_eur).ask_for(exchange.resource)


def _dispute_page(exchange, form=None, status=200):
    form = form or _prefilled(exchange)
    return render_template("coordination/dispute.html", exchange=exchange, form=form,
                           outcome_label=confirmations.outcome_label, state_label=confirmations.state_label), status


@bp.route("/coordination/disputes/<int:exchange_id>", methods=["GET", "POST"])
@login_required
def dispute(exchange_id):
    """A disputed exchange as a coordinator settles it: both sides' figures (not their comments) and the form;
    once settled, the settlement. One route for both methods (an id beyond the range must be a 404 for both)."""
    exchange = resolutions.get_dispute(current_user, exchange_id)
    if request.method == "GET":
        return _dispute_page(exchange)
    form = ResolutionForm().ask_for(exchange.resource)
    settle = lambda: resolutions.check_resolution(  # noqa: E731
        current_user, exchange, resolutions.Settlement(**form.settlement()))
    if form.validate_on_submit(check=settle):
        settled = attempt(lambda: resolutions.resolve_dispute(
            current_user, exchange, resolutions.Settlement(**form.settlement())), form=form,
            success=_("The dispute is settled: these figures count now, and both sides are told."))
        if settled or not settled.refusal.field_messages:  # settled, or no longer disputed (the message says)
            return redirect(url_for("coordination.dispute", exchange_id=exchange.id))
    return _dispute_page(exchange, form, 422)  # every problem next to its field, the typing kept
