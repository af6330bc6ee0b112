import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import policy, spreadsheets
from ..dates import local_today
from ..forms import EmptyForm
from ..resources import services as catalogue
from ..resources.models import Resource
from ..resources.photos import read_photo
from ..transaction import attempt
from ..urls import absolute_url
from . import availability, confirmations, exports, services, timeline
from .confirmations import Figures
from .forms import (ConditionForm, ConfirmationForm, ExchangeAgreementForm, LedgerFilterForm, MessageForm, ReasonForm,
                    RequestForm)
from .models import AS_AGREED, DISPUTED, ONE_SIDE

bp = Blueprint("exchanges", __name__)


@bp.app_template_global("resource_calendar")
def resource_calendar(resource) -> Markup:
    """A material resource's month (?month=YYYY-MM) for its own page, where the catalogue cannot reach the
    exchanges: what accepted exchanges take each day. Network members see it; others learn nothing of them."""
    if not resource.is_material or not policy.is_network_member(current_user):
        return Markup("")
    first = availability.month_of(request.args.get("month"), local_today())
    return Markup(render_template("exchanges/_resource_calendar.html", resource=resource, first=first,
                                  weeks=availability.resource_month(resource, first),
                                  months=availability.neighbours(first)))


def _to_detail(exchange):
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id))


@bp.get("/exchanges")
@login_required
def index():
    org_id = current_user.org_id
    incoming = services.for_org(org_id, "incoming")
    return render_template("exchanges/index.html", incoming=incoming, outgoing=services.for_org(org_id, "outgoing"),
                           conflicts=services.conflicting_requests(incoming), state_label=services.state_label)


@bp.route("/resources/<int:entry_id>/request", methods=["GET", "POST"])
@login_required
def request_form(entry_id):
    resource = catalogue.get_visible_entry(current_user, Resource, entry_id)
    if resource.org_id == current_user.org_id:
        flash(_("This resource belongs to your organization."), "info")
        return redirect(url_for("resources.resource", entry_id=resource.id))
    if not policy.can_request_exchange(current_user, resource):
        abort(403)
    form = RequestForm()
    if form.validate_on_submit(check=lambda: services.check_request(
            current_user, resource, **form.values("starts_on", "ends_on", "quantity", "hours"))):
        requested = attempt(lambda: services.request_exchange(
            current_user, resource, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            quantity=form.quantity.data, hours=form.hours.data, purpose=form.purpose.data,
            message=form.message.data or ""), form=form, field="purpose")
        if requested:
            flash(_("Your request has been sent to %(org)s.", org=resource.org.name), "success")
            return _to_detail(requested.value)
    first = availability.month_of(request.args.get("month"), local_today())
    earliest, latest = form.starts_on.bounds()
    if request.method == "POST" and form.starts_on.data and earliest <= form.starts_on.data <= latest:
        first = form.starts_on.data.replace(day=1)  # the month of the refused days
    return render_template("exchanges/request.html", form=form, resource=resource,
                           needs_hours=services.needs_hours(resource), first=first,
                           weeks=availability.resource_month(resource, first),
                           months=availability.neighbours(first))


@bp.get("/exchanges/<int:exchange_id>")
@login_required
def detail(exchange_id):
    return _detail_page(services.get_visible_exchange(current_user, exchange_id))


def _detail_page(exchange, confirmation_form=None, **sent_forms):
    """The exchange's page; `confirmation_form` (the completion or confirmation) or one of `sent_forms` (the
    reason, message or condition form): as typed, with its messages, after a refusal. The page's other forms
    are not bound to the POST (its fields are not theirs)."""
    today = local_today()
    own = exchange.confirmation_of(current_user.org_id)
    other = exchange.confirmation_of(exchange.other_side(current_user.org_id).id)
    return render_template(
        "exchanges/detail.html", exchange=exchange, state_label=services.state_label,
        can_complete_now=today >= exchange.ends_on, can_cancel_now=today < exchange.starts_on,
        owner_side=policy.can_act_for(current_user, exchange.owner_org),
        requester_side=policy.can_act_for(current_user, exchange.requester_org),
        confirmation_form=confirmation_form or _prefilled(exchange, own, other),
        **{name: sent_forms.get(name) or form_class(formdata=None) for name, form_class in (
            ("reason_form", ReasonForm), ("message_form", MessageForm), ("condition_form", ConditionForm))},
        action_form=EmptyForm(formdata=None), agreement_form=ExchangeAgreementForm(formdata=None),
        steps=timeline.steps(exchange), own_confirmation=own, other_confirmation=other,
        confirmations_open=confirmations.is_open(exchange, today), open_until=confirmations.open_until(exchange),
        outcome_label=confirmations.outcome_label,
    )


def _prefilled(exchange, own, other) -> ConfirmationForm:
    """The form as the page first shows it: our confirmation if we gave one, else the other side's figures (to
    confirm them as they are), else what was requested with its value at the resource's rate."""
    units, value = services.default_value(exchange)
    figures = dict(outcome=AS_AGREED, quantity=exchange.quantity, hours=exchange.hours, value_units=units,
                   value_eur=value, feedback="")
    base = own or other
    if base is not None and not base.no_show:
        figures.update(quantity=base.quantity, hours=base.hours, value_units=base.value_units,
                       value_eur=base.value_eur)
    if own is not None:
        figures.update(outcome=own.outcome, feedback=own.comment)
    return ConfirmationForm(formdata=None, **figures).ask_for(exchange.resource)


def _button(exchange_id, action, success_message):
    exchange = services.get_visible_exchange(current_user, exchange_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: action(current_user, exchange), success=success_message)
    return _to_detail(exchange)


def _with_reason(exchange_id, action, success_message):
    """Decline or cancel: both need a reason from the form."""
    exchange = services.get_visible_exchange(current_user, exchange_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(exchange, reason_form=form), 422
    attempt(lambda: action(current_user, exchange, form.reason.data), success=success_message)
    return _to_detail(exchange)


@bp.post("/exchanges/<int:exchange_id>/accept")
@login_required
def accept(exchange_id):
    return _button(exchange_id, services.accept, _("The request is accepted."))


@bp.post("/exchanges/<int:exchange_id>/decline")
@login_required
def decline(exchange_id):
    return _with_reason(exchange_id, services.decline, _("The request is declined."))


@bp.post("/exchanges/<int:exchange_id>/withdraw")
@login_required
def withdraw(exchange_id):
    return _button(exchange_id, services.withdraw, _("Your request is withdrawn."))


@bp.post("/exchanges/<int:exchange_id>/cancel")
@login_required
def cancel(exchange_id):
    return _with_reason(exchange_id, services.cancel, _("The exchange is cancelled."))


@bp.post("/exchanges/<int:exchange_id>/complete")
@login_required
def complete(exchange_id):
    exchange = services.get_visible_exchange(current_user, exchange_id)
    form = ConfirmationForm().ask_for(exchange.resource)
    if form.validate_on_submit(check=lambda: services.check_completion(
            current_user, exchange, Figures(**form.figures()))):
        typed = form.figures()
        completed = attempt(lambda: services.complete(
            current_user, exchange, value_units=typed["value_units"], value_eur=typed["value_eur"],
            feedback=typed["comment"], outcome=typed["outcome"], quantity=typed["quantity"], hours=typed["hours"]),
            form=form,
            success=_("The exchange is completed and recorded in both ledgers. %(org)s is asked to confirm what "
                      "happened.", org=exchange.other_side(current_user.org_id).name))
        if completed:
            return _to_detail(exchange)
    return _detail_page(exchange, confirmation_form=form)  # every message next to its field, the typing kept


@bp.post("/exchanges/<int:exchange_id>/feedback")
@login_required
def give_feedback(exchange_id):
    exchange = services.get_visible_exchange(current_user, exchange_id)
    form = ConfirmationForm().ask_for(exchange.resource)
    if form.validate_on_submit(check=lambda: confirmations.check_feedback(
            current_user, exchange, Figures(**form.figures()), local_today())):
        given = attempt(lambda: confirmations.give_feedback(current_user, exchange, Figures(**form.figures())),
                        form=form, success=lambda _row: _feedback_message(exchange))
        if given:
            return _to_detail(exchange)
    return _detail_page(exchange, confirmation_form=form)


def _feedback_message(exchange) -> str:
    other = exchange.other_side(current_user.org_id).name
    if exchange.feedback_state == DISPUTED:
        return _("Recorded. Your figures differ from those of %(org)s: the reports count the lower ones, and the "
                 "exchange is marked as disputed until the two agree.", org=other)
    if exchange.feedback_state == ONE_SIDE:
        return _("Recorded. %(org)s is asked to confirm what happened too.", org=other)
    return _("Recorded: both sides confirm the same figures.")


@bp.post("/exchanges/<int:exchange_id>/messages")
@login_required
def post_message(exchange_id):
    exchange = services.get_visible_exchange(current_user, exchange_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _detail_page(exchange, message_form=form), 422
    attempt(lambda: services.post_message(current_user, exchange, form.body.data), success=_("Message sent."))
    return _to_detail(exchange)


@bp.post("/exchanges/<int:exchange_id>/conditions")
@login_required
def record_condition(exchange_id):
    exchange = services.get_visible_exchange(current_user, exchange_id)
    form = ConditionForm()
    if not form.validate_on_submit():
        return _detail_page(exchange, condition_form=form), 422
    photo = form.photo.data.read() if form.photo.data else None
    attempt(lambda: services.record_condition(current_user, exchange, form.stage.data, form.note.data, photo),
            success=_("The condition is recorded."))
    return _to_detail(exchange)


@bp.get("/exchanges/<int:exchange_id>/conditions/<int:condition_id>.jpg")
@login_required
def condition_photo(exchange_id, condition_id):
    exchange = services.get_visible_exchange(current_user, exchange_id)
    condition = services.get_condition_photo(exchange, condition_id)
    data = read_photo(condition.photo_sha256, "full")
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="image/jpeg", etag=condition.photo_sha256)


# ---------------------------------------------------------------- calendar

@bp.get("/calendar")
@login_required
def calendar():
    feed = services.calendar_feed(current_user.org_id)
    first = availability.month_of(request.args.get("month"), local_today())
    view = "list" if request.args.get("view") == "list" else "month"
    return render_template("exchanges/calendar.html", entries=services.calendar_entries(current_user.org_id),
                           view=view, first=first, weeks=availability.org_month(current_user.org_id, first),
                           months=availability.neighbours(first),
                           feed_url=absolute_url("exchanges.ical_feed", token=feed.token) if feed else None,
                           state_label=services.state_label, form=EmptyForm())


@bp.post("/calendar/renew")
@login_required
def renew_calendar():
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.renew_calendar_feed(current_user, current_user.org)
    flash(_("The calendar has a new address; the old one no longer works."), "success")
    return redirect(url_for("exchanges.calendar"))


@bp.get("/calendar/<token>.ics")
def ical_feed(token):
    feed = services.feed_by_token(token)
    data = exports.calendar_file(feed.org.name, feed.org_id, services.calendar_entries(feed.org_id))
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="exchanges.ics"'
    return response


# ---------------------------------------------------------------- ledger

def _ledger():
    form = LedgerFilterForm(request.args)
    form.validate()
    rows, totals = services.ledger_rows(current_user.org_id, form.start.data, form.end.data)
    return form, rows, totals


@bp.get("/ledger")
@login_required
def ledger():
    form, rows, totals = _ledger()
    return render_template("exchanges/ledger.html", form=form, rows=rows, totals=totals)


@bp.get("/ledger.csv")
@login_required
def ledger_csv():
    _form, rows, _totals = _ledger()
    header, table = exports.ledger_table(rows)
    response = Response(spreadsheets.csv_file(header, table, get_locale().language), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_ledger_file_name()}.csv"'
    return response


@bp.get("/ledger.xlsx")
@login_required
def ledger_xlsx():
    _form, rows, _totals = _ledger()
    header, table = exports.ledger_table(rows)
    response = Response(spreadsheets.xlsx_file(header, table, _("In-kind ledger")), mimetype=spreadsheets.XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{_ledger_file_name()}.xlsx"'
    return response


def _ledger_file_name() -> str:
    return "natura-uzskaite" if get_locale().language == "lv" else "in-kind-ledger"
