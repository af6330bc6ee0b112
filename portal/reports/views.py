from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..dates import local_today
from ..errors import require
from ..forms import EmptyForm
from ..transaction import attempt
from ..exchanges.models import ACCEPTED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN
from ..exchanges.confirmations import outcome_label, state_label as confirmation_label
from ..exchanges.services import state_label
from ..orgs.choices import MUNICIPALITIES, label
from . import periods, presentation, services, statistics, volunteer_hours
from .downloads import download as _download
from .forms import VolunteerHoursForm

bp = Blueprint("reports", __name__)
EXCHANGE_STATES = (REQUESTED, ACCEPTED, COMPLETED, DECLINED, WITHDRAWN, CANCELLED)


def _period(default=periods.YEAR):
    return periods.parse_period(request.args.get("period"), request.args.get("at"), local_today(), default)


@bp.get("/coordination/statistics")
@login_required
def network_statistics():
    require(policy.can_see_network_statistics(current_user))
    stats = statistics.network_statistics(_period(), local_today())
    return render_template("reports/statistics.html", stats=stats, kinds=periods.KINDS,
                           blocks=presentation.chart_blocks(stats), states=EXCHANGE_STATES, state_label=state_label,
                           municipality=lambda code: label(MUNICIPALITIES, code), outcome_label=outcome_label)


@bp.get("/reports")
@login_required
def own_report():
    return redirect(url_for("reports.org_report", org_id=current_user.org_id, **request.args))


@bp.get("/orgs/<int:org_id>/report")
@login_required
def org_report(org_id):
    org = services.get_reported_org(current_user, org_id)
    report = services.org_report(org, _period())
    return render_template("reports/org_report.html", report=report, kinds=periods.KINDS,
                           volunteer_year=(report.period.start or local_today()).year,
                           confirmation_label=confirmation_label)


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year is not None and 2000 <= year <= 2100 else local_today().year


@bp.get("/orgs/<int:org_id>/report/volunteers")
@login_required
def volunteer_report(org_id):
    return _volunteer_page(services.get_reported_org(current_user, org_id), _year())


def _volunteer_page(org, year: int, form=None):
    """The volunteer report of `year`; `form`: the hand entry as typed, with its messages, after a refusal."""
    can_enter = policy.can_enter_volunteer_hours(current_user, org)
    if form is None and can_enter:
        form = VolunteerHoursForm(formdata=None, starts_on=date(year, 1, 1),
                                  ends_on=min(date(year, 12, 31), local_today()))
    return render_template("reports/volunteers.html", report=services.volunteer_report(org, year), form=form,
                           can_enter=can_enter, remove_form=EmptyForm(formdata=None))


@bp.post("/orgs/<int:org_id>/report/volunteers/hours")
@login_required
def add_volunteer_hours(org_id):
    org = services.get_reported_org(current_user, org_id)
    require(policy.can_enter_volunteer_hours(current_user, org))
    form = VolunteerHoursForm()
    if form.validate_on_submit(check=lambda: volunteer_hours.check_entry(
            current_user, org, **form.values("starts_on", "ends_on"))):
        added = attempt(lambda: volunteer_hours.add_entry(
            current_user, org, place=form.place.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            volunteers=form.volunteers.data, hours=form.hours.data, note=form.note.data or ""), form=form,
            success=lambda entry: _("Added to the volunteer report of %(year)s, marked as entered by hand.",
                                    year=entry.starts_on.year))
        if added:
            return redirect(url_for("reports.volunteer_report", org_id=org.id, year=added.value.starts_on.year,
                                    _anchor="entered"))
    typed = form.values("starts_on")["starts_on"]
    return _volunteer_page(org, typed.year if typed else _year(), form)


@bp.post("/orgs/<int:org_id>/report/volunteers/hours/<int:entry_id>/remove")
@login_required
def remove_volunteer_hours(org_id, entry_id):
    org = services.get_reported_org(current_user, org_id)
    require(policy.can_enter_volunteer_hours(current_user, org))
    entry = volunteer_hours.get_entry(org, entry_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    year = entry.starts_on.year
    attempt(lambda: volunteer_hours.remove_entry(current_user, org, entry),
            success=_("Removed from the volunteer report."))
    return redirect(url_for("reports.volunteer_report", org_id=org.id, year=year, _anchor="entered"))


@bp.get("/orgs/<int:org_id>/report.<any(csv, xlsx):fmt>")
@login_required
def org_report_file(org_id, fmt):
    org = services.get_reported_org(current_user, org_id)
    report = services.org_report(org, _period())
    name = f"report-{org.id}-{report.period.kind}-{report.period.anchor or 'all'}"
    return _download(name, report.period.label, services.org_report_table(report), fmt)


@bp.get("/orgs/<int:org_id>/report/volunteers.<any(csv, xlsx):fmt>")
@login_required
def volunteer_report_file(org_id, fmt):
    org = services.get_reported_org(current_user, org_id)
    report = services.volunteer_report(org, _year())
    return _download(f"volunteers-{org.id}-{report.year}", str(report.year), services.volunteer_report_table(report),
                     fmt)


def register(app) -> None:
    """The signed PDFs of the reports (document_views) and the projects (project_views) have blueprints of their
    own."""
    from .document_views import bp as documents_bp
    from .project_views import bp as projects_bp

    app.register_blueprint(documents_bp)
    app.register_blueprint(projects_bp)
