from datetime import date

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from .. import policy, spreadsheets
from ..errors import require
from ..exchanges.models import ACCEPTED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN
from ..exchanges.confirmations import outcome_label, state_label as confirmation_label
from ..exchanges.services import state_label
from ..orgs.choices import MUNICIPALITIES, label
from . import periods, presentation, services, statistics

bp = Blueprint("reports", __name__)
EXCHANGE_STATES = (REQUESTED, ACCEPTED, COMPLETED, DECLINED, WITHDRAWN, CANCELLED)


def _period(default=periods.YEAR):
    return periods.parse_period(request.args.get("period"), request.args.get("at"), date.today(), default)


@bp.get("/coordination/statistics")
@login_required
def network_statistics():
    require(policy.can_see_network_statistics(current_user))
    stats = statistics.network_statistics(_period(), date.today())
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
                           volunteer_year=(report.period.start or date.today()).year,
                           confirmation_label=confirmation_label)


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year is not None and 2000 <= year <= 2100 else date.today().year


@bp.get("/orgs/<int:org_id>/report/volunteers")
@login_required
def volunteer_report(org_id):
    org = services.get_reported_org(current_user, org_id)
    return render_template("reports/volunteers.html", report=services.volunteer_report(org, _year()))


def _download(name: str, title: str, table, fmt: str) -> Response:
    head, rows = table
    if fmt == "csv":
        body, mimetype = spreadsheets.csv_file(head, rows, get_locale().language), "text/csv; charset=utf-8"
    else:
        body, mimetype = spreadsheets.xlsx_file(head, rows, title), spreadsheets.XLSX_TYPE
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


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
