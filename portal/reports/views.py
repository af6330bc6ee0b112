from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..errors import require
from ..exchanges.models import ACCEPTED, CANCELLED, COMPLETED, DECLINED, REQUESTED, WITHDRAWN
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
                           municipality=lambda code: label(MUNICIPALITIES, code))


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
                           volunteer_year=(report.period.start or date.today()).year)


@bp.get("/orgs/<int:org_id>/report/volunteers")
@login_required
def volunteer_report(org_id):
    org = services.get_reported_org(current_user, org_id)
    year = request.args.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        year = date.today().year
    return render_template("reports/volunteers.html", report=services.volunteer_report(org, year))
