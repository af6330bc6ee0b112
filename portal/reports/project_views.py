"""Projects and their co-financing reports: the list, the forms, the project's page with its report and its
downloads, and the tag form on an exchange's page (a template global, so the exchanges' views need not know of
projects). A blueprint of its own (reports.views registers it)."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import policy
from ..errors import require
from ..exchanges import services as exchanges
from ..exchanges.confirmations import state_label as confirmation_label
from ..exchanges.services import state_label
from ..extensions import db
from ..forms import EmptyForm
from ..transaction import attempt
from . import cofinancing, projects
from .forms import ProjectForm, TagForm
from .models import Project
from .downloads import download as _download

bp = Blueprint("projects", __name__)


def _project(org_id: int, project_id: int):
    org = projects.get_projects_org(current_user, org_id)
    return org, projects.get_visible_project(current_user, org, project_id)


@bp.get("/projects")
@login_required
def own_projects():
    return redirect(url_for("projects.index", org_id=current_user.org_id))


@bp.get("/orgs/<int:org_id>/projects")
@login_required
def index(org_id):
    org = projects.get_projects_org(current_user, org_id)
    active, archived = projects.projects_of(org.id, archived=False), projects.projects_of(org.id, archived=True)
    return render_template("reports/projects.html", org=org, active=active, archived=archived,
                           counts=projects.tag_counts([p.id for p in active + archived]),
                           can_manage=policy.can_manage_projects(current_user, org))


def _form_page(org, form, project=None):
    status = 422 if form.is_submitted() else 200
    return render_template("reports/project_form.html", org=org, form=form, project=project,
                           units=cofinancing.RATE_LABELS), status


@bp.route("/orgs/<int:org_id>/projects/new", methods=["GET", "POST"])
@login_required
def new(org_id):
    org = projects.get_projects_org(current_user, org_id)
    require(policy.can_manage_projects(current_user, org))
    form = ProjectForm()
    if form.validate_on_submit(check=lambda: projects.check_project(
            current_user, org, **form.values("starts_on", "ends_on", "cash_eur", "cash_note"))):
        made = attempt(lambda: projects.create_project(current_user, org, form.project_values(), form.rates()),
                       form=form, success=lambda p: _("Project “%(name)s” added. Tag its exchanges from their "
                                                      "pages.", name=p.name))
        if made:
            return redirect(url_for("projects.detail", org_id=org.id, project_id=made.value.id))
    return _form_page(org, form)


@bp.route("/orgs/<int:org_id>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id, project_id):
    org, project = _project(org_id, project_id)
    require(policy.can_manage_projects(current_user, org))
    form = ProjectForm() if request.method == "POST" else ProjectForm.of(project)
    if form.validate_on_submit(check=lambda: projects.check_project(
            current_user, org, project, **form.values("starts_on", "ends_on", "cash_eur", "cash_note"))):
        saved = attempt(lambda: projects.update_project(current_user, project, form.project_values(), form.rates()),
                        form=form, success=_("Project saved."))
        if saved:
            return redirect(url_for("projects.detail", org_id=org.id, project_id=project.id))
    return _form_page(org, form, project)


@bp.get("/orgs/<int:org_id>/projects/<int:project_id>")
@login_required
def detail(org_id, project_id):
    org, project = _project(org_id, project_id)
    return render_template("reports/project.html", org=org, project=project,
                           report=cofinancing.cofinancing_report(project), action_form=EmptyForm(formdata=None),
                           can_manage=policy.can_manage_projects(current_user, org), cofinancing=cofinancing,
                           confirmation_label=confirmation_label, state_label=state_label)


def _set_archived(org_id: int, project_id: int, archived: bool):
    org, project = _project(org_id, project_id)
    require(policy.can_manage_projects(current_user, org))
    if not EmptyForm().validate_on_submit():
        abort(400)
    if archived:
        attempt(lambda: projects.archive_project(current_user, project),
                success=_("Project archived: its report stays; no new exchanges can be tagged with it."))
    else:
        attempt(lambda: projects.restore_project(current_user, project), success=_("Project restored."))
    return redirect(url_for("projects.detail", org_id=org.id, project_id=project.id))


@bp.post("/orgs/<int:org_id>/projects/<int:project_id>/archive")
@login_required
def archive(org_id, project_id):
    return _set_archived(org_id, project_id, True)


@bp.post("/orgs/<int:org_id>/projects/<int:project_id>/restore")
@login_required
def restore(org_id, project_id):
    return _set_archived(org_id, project_id, False)


@bp.get("/orgs/<int:org_id>/projects/<int:project_id>/report.<any(csv, xlsx):fmt>")
@login_required
def report_file(org_id, fmt, project_id):
    org, project = _project(org_id, project_id)
    report = cofinancing.cofinancing_report(project)
    return _download(f"cofinancing-{org.id}-{project.id}", project.name, cofinancing.report_table(report), fmt)


# ---------------------------------------------------------------- the tag on an exchange's page

def _tag_form(exchange, sent: bool) -> TagForm:
    """The form as sent (`sent`), or as the page first shows it: the side's project chosen, if any."""
    if sent:
        form = TagForm()
    else:
        tag = projects.tag_of(exchange, current_user.org_id)
        form = TagForm(formdata=None, project=tag.project_id if tag else None)
    form.project.choices = [("", _("Choose a project"))] + [
        (p.id, f"{p.name} ({projects.period_text(p.starts_on, p.ends_on)})")
        for p in projects.taggable_projects(current_user.org_id)]
    return form


@bp.app_template_global("project_tagging")
def project_tagging(exchange) -> Markup:
    """The exchange's project, for its side, on its page: the tag and (for a representative) the form."""
    if not policy.is_exchange_party(current_user, exchange):
        return Markup("")
    return Markup(_tag_section(exchange, None))


def _tag_section(exchange, form) -> str:
    tag = projects.tag_of(exchange, current_user.org_id)
    can_tag = policy.can_tag_exchange(current_user, exchange)
    taggable = exchange.state in projects.TAGGABLE_STATES
    if tag is None and not taggable and form is None:
        return ""
    if form is None and can_tag and taggable:
        form = _tag_form(exchange, sent=False)
    return render_template("reports/_exchange_project.html", exchange=exchange, tag=tag, form=form,
                           can_tag=can_tag, taggable=taggable, remove_form=EmptyForm(formdata=None),
                           manage_url=url_for("projects.index", org_id=current_user.org_id))


@bp.post("/exchanges/<int:exchange_id>/project")
@login_required
def tag(exchange_id):
    exchange = exchanges.get_visible_exchange(current_user, exchange_id)
    require(policy.can_tag_exchange(current_user, exchange))
    form = _tag_form(exchange, sent=True)
    if form.validate_on_submit():
        project = db.session.get(Project, form.project.data) if form.project.data is not None else None
        tagged = attempt(lambda: projects.tag_exchange(current_user, exchange, project), form=form,
                         success=lambda t: _("Exchange #%(id)s is in the project “%(project)s”.", id=exchange.id,
                                             project=t.project.name))
        if tagged:
            return redirect(url_for("exchanges.detail", exchange_id=exchange.id, _anchor="project"))
    return render_template("reports/tag_exchange.html", exchange=exchange,
                           section=Markup(_tag_section(exchange, form))), 422


@bp.post("/exchanges/<int:exchange_id>/project/remove")
@login_required
def untag(exchange_id):
    exchange = exchanges.get_visible_exchange(current_user, exchange_id)
    require(policy.can_tag_exchange(current_user, exchange))
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: projects.untag_exchange(current_user, exchange), success=_("Untagged: the exchange is in no "
                                                                             "project of your organization."))
    return redirect(url_for("exchanges.detail", exchange_id=exchange.id, _anchor="project"))
