"""The signed PDFs of the reports: the "Download as PDF (signed)" buttons ask for one (a job makes it and a
notification brings the link), and the download, with the report's own permission. A blueprint of its own
(reports.views registers it), so the report pages' module stays as it is."""
from datetime import date

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..dates import local_today
from ..errors import require
from ..extensions import limiter
from ..forms import EmptyForm
from . import documents, periods, projects, services
from .models import FAILED, ORG, PENDING, PROJECT, STATISTICS, VOLUNTEERS

bp = Blueprint("report_documents", __name__)


def _period() -> periods.Period:
    return periods.parse_period(request.args.get("period"), request.args.get("at"), local_today(), periods.YEAR)


def _year_period() -> periods.Period:
    year = request.args.get("year", type=int)
    year = year if year is not None and 2000 <= year <= 2100 else local_today().year
    return periods.period_of(periods.YEAR, date(year, 1, 1))


def _language() -> str:
    language = get_locale().language
    return language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _ask(kind: str, org, period: periods.Period, back: str, project=None) -> Response:
    if EmptyForm().validate_on_submit():
        with limiter.limit(lambda: current_app.config["REPORT_PDF_RATE_LIMIT"],
                           key_func=lambda: f"report-pdf:{current_user.id}"):
            asked = documents.request_document(current_user, kind, org, period, _language(), project=project)
        if asked.document.state != PENDING:  # made for this person a moment ago: here it is
            return redirect(documents.download_path(asked.document))
        flash(_("The signed PDF is being made. You will get a notification with the link to download it."),
              "info")
    return redirect(back)


@bp.post("/orgs/<int:org_id>/report/pdf")
@login_required
def org_report(org_id):
    org = services.get_reported_org(current_user, org_id)
    period = _period()
    return _ask(ORG, org, period, url_for("reports.org_report", org_id=org.id, period=period.kind,
                                          at=period.anchor or None))


@bp.post("/orgs/<int:org_id>/report/volunteers/pdf")
@login_required
def volunteer_report(org_id):
    org = services.get_reported_org(current_user, org_id)
    period = _year_period()
    return _ask(VOLUNTEERS, org, period, url_for("reports.volunteer_report", org_id=org.id,
                                                 year=period.start.year))


@bp.post("/orgs/<int:org_id>/projects/<int:project_id>/report/pdf")
@login_required
def project_report(org_id, project_id):
    """The co-financing report of a project, over all the exchanges tagged with it."""
    org = projects.get_projects_org(current_user, org_id)
    project = projects.get_visible_project(current_user, org, project_id)
    return _ask(PROJECT, org, periods.Period(periods.ALL_TIME, None, None),
                url_for("projects.detail", org_id=org.id, project_id=project.id), project=project)


@bp.post("/coordination/statistics/pdf")
@login_required
def network_statistics():
    require(policy.can_see_network_statistics(current_user))
    period = _period()
    return _ask(STATISTICS, None, period, url_for("reports.network_statistics", period=period.kind,
                                                  at=period.anchor or None))


@bp.get("/reports/documents/<int:document_id>.pdf")
@login_required
def download(document_id):
    """The stored, signed file, for whoever may read its report (another organization's: 404)."""
    document = documents.get_visible_document(current_user, document_id)
    data = documents.document_bytes(document) if document.sha256 else None
    if data is None:
        if document.state == PENDING:
            flash(_("The signed PDF is still being made. You will get a notification when it is ready."), "info")
        elif document.state == FAILED:
            flash(_("The signed PDF could not be made. Ask for it again."), "error")
        else:
            flash(_("The signed PDF cannot be read now. Tell a coordinator."), "error")
        return redirect(documents.report_path(document))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{documents.file_name(document)}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(document.sha256)
    return response
