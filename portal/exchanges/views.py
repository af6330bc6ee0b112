import csv
import io
from datetime import date, datetime, time, timezone

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from icalendar import Calendar, Event
from sqlalchemy import select

from .. import policy
from ..errors import NotAllowed, RuleViolation
from ..extensions import db
from ..forms import EmptyForm
from ..orgs.models import Organization
from ..resources.models import Resource
from ..resources.photos import read_photo
from ..resources.views import load_entry
from ..urls import absolute_url
from ..agreements.forms import ExchangeAgreementForm
from . import bp, services
from .forms import CompleteForm, ConditionForm, LedgerFilterForm, MessageForm, ReasonForm, RequestForm
from .models import ConditionRecord, Exchange, CalendarFeed


def load_exchange(exchange_id: int) -> Exchange:
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None or not policy.is_exchange_party(current_user, exchange):
        abort(404)
    return exchange


def _run(action, success_message, exchange_id):
    """Calls a rule; commits and says so, or rolls back and says why not."""
    try:
        action()
    except RuleViolation as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    except NotAllowed:
        db.session.rollback()
        abort(403)
    else:
        db.session.commit()
        flash(success_message, "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange_id))


@bp.get("/exchanges")
@login_required
def index():
    org_id = current_user.org_id
    return render_template("exchanges/index.html", incoming=services.for_org(org_id, "incoming"),
                           outgoing=services.for_org(org_id, "outgoing"), state_label=services.state_label)


@bp.route("/resources/<int:entry_id>/request", methods=["GET", "POST"])
@login_required
def request_form(entry_id):
    resource = load_entry(Resource, entry_id)
    if resource.org_id == current_user.org_id:
        flash(_("This resource belongs to your organization."), "info")
        return redirect(url_for("resources.resource", entry_id=resource.id))
    if not policy.can_request_exchange(current_user, resource):
        abort(403)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            exchange = services.request_exchange(
                current_user, resource, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                quantity=form.quantity.data, hours=form.hours.data, purpose=form.purpose.data,
                message=form.message.data or "")
        except RuleViolation as refused:
            db.session.rollback()
            getattr(form, refused.field or "purpose").errors.append(str(refused.message))
        else:
            db.session.commit()
            flash(_("Your request has been sent to %(org)s.", org=resource.org.name), "success")
            return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    return render_template("exchanges/request.html", form=form, resource=resource,
                           needs_hours=services.needs_hours(resource))


@bp.get("/exchanges/<int:exchange_id>")
@login_required
def detail(exchange_id):
    exchange = load_exchange(exchange_id)
    units, value = services.default_value(exchange)
    complete_form = CompleteForm(value_units=units, value_eur=value)
    today = date.today()
    return render_template(
        "exchanges/detail.html", exchange=exchange, state_label=services.state_label,
        can_complete_now=today >= exchange.ends_on, can_cancel_now=today < exchange.starts_on,
        owner_side=policy.can_act_for(current_user, exchange.owner_org),
        requester_side=policy.can_act_for(current_user, exchange.requester_org),
        reason_form=ReasonForm(), complete_form=complete_form, message_form=MessageForm(),
        condition_form=ConditionForm(), action_form=EmptyForm(), agreement_form=ExchangeAgreementForm(),
    )


def _with_reason(exchange_id, action, success_message):
    """Decline or cancel: both need a reason from the form."""
    exchange = load_exchange(exchange_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
        return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    return _run(lambda: action(current_user, exchange, form.reason.data), success_message, exchange.id)


@bp.post("/exchanges/<int:exchange_id>/accept")
@login_required
def accept(exchange_id):
    exchange = load_exchange(exchange_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _run(lambda: services.accept(current_user, exchange), _("The request is accepted."), exchange.id)


@bp.post("/exchanges/<int:exchange_id>/decline")
@login_required
def decline(exchange_id):
    return _with_reason(exchange_id, services.decline, _("The request is declined."))


@bp.post("/exchanges/<int:exchange_id>/withdraw")
@login_required
def withdraw(exchange_id):
    exchange = load_exchange(exchange_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _run(lambda: services.withdraw(current_user, exchange), _("Your request is withdrawn."), exchange.id)


@bp.post("/exchanges/<int:exchange_id>/cancel")
@login_required
def cancel(exchange_id):
    return _with_reason(exchange_id, services.cancel, _("The exchange is cancelled."))


@bp.post("/exchanges/<int:exchange_id>/complete")
@login_required
def complete(exchange_id):
    exchange = load_exchange(exchange_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    return _run(lambda: services.complete(current_user, exchange, value_units=form.value_units.data,
                                          value_eur=form.value_eur.data, feedback=form.feedback.data or ""),
                _("The exchange is completed and recorded in both ledgers."), exchange.id)


@bp.post("/exchanges/<int:exchange_id>/messages")
@login_required
def post_message(exchange_id):
    exchange = load_exchange(exchange_id)
    form = MessageForm()
    if not form.validate_on_submit():
        flash(_("Write a message."), "error")
        return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    return _run(lambda: services.post_message(current_user, exchange, form.body.data), _("Message sent."),
                exchange.id)


@bp.post("/exchanges/<int:exchange_id>/conditions")
@login_required
def record_condition(exchange_id):
    exchange = load_exchange(exchange_id)
    form = ConditionForm()
    if not form.validate_on_submit():
        flash(_("Describe the condition."), "error")
        return redirect(url_for("exchanges.detail", exchange_id=exchange.id))
    photo = form.photo.data.read() if form.photo.data else None
    return _run(lambda: services.record_condition(current_user, exchange, form.stage.data, form.note.data, photo),
                _("The condition is recorded."), exchange.id)


@bp.get("/exchanges/<int:exchange_id>/conditions/<int:condition_id>.jpg")
@login_required
def condition_photo(exchange_id, condition_id):
    exchange = load_exchange(exchange_id)
    condition = db.session.get(ConditionRecord, condition_id)
    if condition is None or condition.exchange_id != exchange.id or not condition.photo_sha256:
        abort(404)
    data = read_photo(condition.photo_sha256, "full")
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="image/jpeg", etag=condition.photo_sha256)


# ---------------------------------------------------------------- calendar

@bp.get("/calendar")
@login_required
def calendar():
    feed = db.session.get(CalendarFeed, current_user.org_id)
    return render_template("exchanges/calendar.html", entries=services.calendar_entries(current_user.org_id),
                           feed_url=absolute_url("exchanges.ical_feed", token=feed.token) if feed else None,
                           state_label=services.state_label, form=EmptyForm())


@bp.post("/calendar/renew")
@login_required
def renew_calendar():
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.renew_calendar_feed(current_user, current_user.org)
    except NotAllowed:
        abort(403)
    db.session.commit()
    flash(_("The calendar has a new address; the old one no longer works."), "success")
    return redirect(url_for("exchanges.calendar"))


@bp.get("/calendar/<token>.ics")
def ical_feed(token):
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None:
        abort(404)
    cal = Calendar()
    cal.add("prodid", "-//NGO partnership portal//exchanges//LV")
    cal.add("version", "2.0")
    org = db.session.get(Organization, feed.org_id)
    cal.add("x-wr-calname", org.name)
    for exchange in services.calendar_entries(feed.org_id):
        event = Event()
        incoming = exchange.owner_org_id == feed.org_id
        other = exchange.requester_org if incoming else exchange.owner_org
        event.add("uid", f"exchange-{exchange.id}@portal")
        event.add("summary", f"{exchange.resource.title} — {other.name}")
        event.add("dtstart", exchange.starts_on)
        event.add("dtend", exchange.ends_on.fromordinal(exchange.ends_on.toordinal() + 1))
        event.add("dtstamp", datetime.combine(exchange.created_at.date(), time(), tzinfo=timezone.utc))
        event.add("description", f"{exchange.purpose}\n{absolute_url('exchanges.detail', exchange_id=exchange.id)}")
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    response = Response(cal.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="exchanges.ics"'
    return response


# ---------------------------------------------------------------- ledger

def _ledger_rows():
    form = LedgerFilterForm(request.args)
    form.validate()
    start, end = form.start.data, form.end.data
    org_id = current_user.org_id
    rows = []
    for exchange in services.ledger(org_id, start, end):
        gave = exchange.owner_org_id == org_id
        rows.append({"exchange": exchange, "gave": gave, "other": exchange.other_side(org_id)})
    totals = {
        "gave": sum((r["exchange"].value_eur or 0) for r in rows if r["gave"]),
        "received": sum((r["exchange"].value_eur or 0) for r in rows if not r["gave"]),
    }
    return form, rows, totals


@bp.get("/ledger")
@login_required
def ledger():
    form, rows, totals = _ledger_rows()
    return render_template("exchanges/ledger.html", form=form, rows=rows, totals=totals)


@bp.get("/ledger.csv")
@login_required
def ledger_csv():
    _, rows, _totals = _ledger_rows()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["exchange", "direction", "other_organization", "resource", "from", "to", "units", "value_eur",
                     "completed_at"])
    for row in rows:
        e = row["exchange"]
        writer.writerow([e.id, "gave" if row["gave"] else "received", row["other"].name, e.resource.title,
                         e.starts_on.isoformat(), e.ends_on.isoformat(), "" if e.value_units is None else e.value_units, "" if e.value_eur is None else e.value_eur,
                         e.completed_at.date().isoformat() if e.completed_at else ""])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="in-kind-ledger.csv"'
    return response
