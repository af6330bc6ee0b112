"""An organization’s projects and grants, and the tags that put its exchanges into one.

    get_visible_project(user, org, project_id)    the project if `user` may see it (another org’s: 404)
    create_project / update_project               by a representative; every problem at once
    archive_project / restore_project             an archived project keeps its tags and report, takes no new tags
    tag_exchange(user, exchange, project)         one project per side: tagging again moves it
    untag_exchange(user, exchange)

A project’s period must cover the exchanges tagged with it (their first and last day), when tagging and when
the period is changed later. The report itself is portal/reports/cofinancing.py.
"""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..audit.services import record
from ..database import utcnow
from ..dates import format_day
from ..errors import RuleViolation, found, require
from ..exchanges.models import ACCEPTED, COMPLETED, REQUESTED, Exchange
from ..extensions import db
from ..orgs.services import get_visible_org
from .cofinancing import UNITS
from .models import PROJECT_ACTIVE, PROJECT_ARCHIVED, Project, ProjectExchange, ProjectRate

TAGGABLE_STATES = (REQUESTED, ACCEPTED, COMPLETED)
FIELDS = ("name", "funder", "number", "starts_on", "ends_on", "cash_eur", "cash_note")


def get_projects_org(user, org_id: int):
    """The organization whose projects `user` may see (others: 404)."""
    return get_visible_org(user, org_id, permission=policy.can_see_projects)


def get_visible_project(user, org, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    return found(project, project is not None and project.org_id == org.id and policy.can_see_projects(user, org))


def projects_of(org_id: int, *, archived: bool | None = None) -> list[Project]:
    """The organization’s projects, newest period first; `archived` True/False: only those, None: all."""
    query = select(Project).where(Project.org_id == org_id)
    if archived is not None:
        query = query.where(Project.state == (PROJECT_ARCHIVED if archived else PROJECT_ACTIVE))
    return db.session.scalars(query.order_by(Project.starts_on.desc(), Project.id.desc())).all()


def tag_counts(project_ids: list[int]) -> dict[int, int]:
    if not project_ids:
        return {}
    rows = db.session.execute(select(ProjectExchange.project_id, db.func.count()).where(
        ProjectExchange.project_id.in_(project_ids)).group_by(ProjectExchange.project_id)).all()
    return dict(rows)


def _tagged_outside(project: Project, starts_on: date, ends_on: date) -> list[Exchange]:
    return db.session.scalars(select(Exchange).join(ProjectExchange, ProjectExchange.exchange_id == Exchange.id).where(
        ProjectExchange.project_id == project.id,
        (Exchange.starts_on < starts_on) | (Exchange.ends_on > ends_on)).order_by(Exchange.starts_on)).all()


def period_text(starts_on: date, ends_on: date) -> str:
    if starts_on == ends_on:
        return format_day(starts_on, "short")
    return f"{format_day(starts_on, 'short')} – {format_day(ends_on, 'short')}"


def check_project(actor, org, project: Project | None = None, *, starts_on: date | None, ends_on: date | None,
                  cash_eur: Decimal | None, cash_note: str | None) -> None:
    """Every problem of a project that its fields alone do not show (None: a value the form refused)."""
    require(policy.can_manage_projects(actor, org))
    problems = {}
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            problems["ends_on"] = _l("The project must end on or after its first day.")
        elif project is not None:
            outside = _tagged_outside(project, starts_on, ends_on)
            if outside:
                problems["ends_on" if outside[-1].ends_on > ends_on else "starts_on"] = _l(
                    "Exchanges tagged with this project fall outside this period: %(exchanges)s. Keep them within "
                    "it, or untag them first.", exchanges=", ".join(
                        f"#{e.id} ({period_text(e.starts_on, e.ends_on)})" for e in outside[:5]))
    if cash_eur and not (cash_note or "").strip():
        problems["cash_note"] = _l("Say where the cash comes from, e.g. the organization’s own funds or the "
                                   "municipality’s grant.")
    if problems:
        raise RuleViolation.of_fields(problems)


def _apply(project: Project, values: dict, rates: dict) -> None:
    for name in FIELDS:
        value = values.get(name)
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.number = project.number or ""
    project.cash_note = project.cash_note or ""
    kept = {rate.category: rate for rate in project.rates}
    for category in UNITS:
        eur = rates.get(category)
        if eur is None:
            if category in kept:
                project.rates.remove(kept[category])
        elif category in kept:
            kept[category].eur = eur
        else:
            project.rates.append(ProjectRate(category=category, eur=eur))


def create_project(actor, org, values: dict, rates: dict) -> Project:
    """`values`: FIELDS; `rates`: {category: EUR or None}."""
    check_project(actor, org, starts_on=values["starts_on"], ends_on=values["ends_on"],
                  cash_eur=values.get("cash_eur"), cash_note=values.get("cash_note"))
    project = Project(org_id=org.id, created_by_id=actor.id, state=PROJECT_ACTIVE)
    _apply(project, values, rates)
    db.session.add(project)
    db.session.flush()
    record("project.created", actor=actor, org=org, obj=project, name=project.name, funder=project.funder)
    return project


def update_project(actor, project: Project, values: dict, rates: dict) -> Project:
    check_project(actor, project.org, project, starts_on=values["starts_on"], ends_on=values["ends_on"],
                  cash_eur=values.get("cash_eur"), cash_note=values.get("cash_note"))
    _apply(project, values, rates)
    db.session.flush()
    record("project.changed", actor=actor, org=project.org, obj=project, name=project.name)
    return project


def archive_project(actor, project: Project) -> None:
    require(policy.can_manage_projects(actor, project.org))
    project.state = PROJECT_ARCHIVED
    db.session.flush()
    record("project.archived", actor=actor, org=project.org, obj=project, name=project.name)


def restore_project(actor, project: Project) -> None:
    require(policy.can_manage_projects(actor, project.org))
    project.state = PROJECT_ACTIVE
    db.session.flush()
    record("project.restored", actor=actor, org=project.org, obj=project, name=project.name)


# ---------------------------------------------------------------- tags

def tag_of(exchange: Exchange, org_id: int) -> ProjectExchange | None:
    """The side’s tag of the exchange, if any."""
    return db.session.scalar(select(ProjectExchange).where(ProjectExchange.exchange_id == exchange.id,
                                                           ProjectExchange.org_id == org_id))


def taggable_projects(org_id: int) -> list[Project]:
    """The projects a side may tag its exchanges with: its active ones."""
    return projects_of(org_id, archived=False)


def check_tag(actor, exchange: Exchange, project: Project | None) -> None:
    require(policy.can_tag_exchange(actor, exchange))
    if project is None or project.org_id != actor.org_id or project.is_archived:
        raise RuleViolation(_l("Choose one of your organization’s projects."), field="project")
    if exchange.state not in TAGGABLE_STATES:
        raise RuleViolation(_l("Only requested, accepted or completed exchanges can be tagged with a project."),
                            field="project")
    if not project.covers(exchange.starts_on, exchange.ends_on):
        raise RuleViolation(_l(
            "The project “%(project)s” runs %(project_period)s; this exchange (%(exchange_period)s) is outside it. "
            "Choose a project whose period covers the exchange, or change the project’s period.",
            project=project.name, project_period=period_text(project.starts_on, project.ends_on),
            exchange_period=period_text(exchange.starts_on, exchange.ends_on)), field="project")


def tag_exchange(actor, exchange: Exchange, project: Project | None) -> ProjectExchange:
    """Puts the exchange into `project` for the actor’s side (moving it from another project of that side)."""
    check_tag(actor, exchange, project)
    tag = tag_of(exchange, actor.org_id)
    if tag is None:
        try:
            with db.session.begin_nested():  # two people of the side tagging at once: one row, the later choice
                tag = ProjectExchange(exchange_id=exchange.id, org_id=actor.org_id, project_id=project.id,
                                      tagged_by_id=actor.id)
                db.session.add(tag)
                db.session.flush()
        except IntegrityError:
            tag = tag_of(exchange, actor.org_id)
    tag.project_id, tag.tagged_by_id, tag.tagged_at = project.id, actor.id, utcnow()
    db.session.flush()
    record("exchange.tagged", actor=actor, org=actor.org, obj=exchange, project=project.name,
           project_id=project.id)
    return tag


def untag_exchange(actor, exchange: Exchange) -> None:
    require(policy.can_tag_exchange(actor, exchange))
    tag = tag_of(exchange, actor.org_id)
    if tag is None:
        return
    record("exchange.untagged", actor=actor, org=actor.org, obj=exchange, project_id=tag.project_id)
    db.session.delete(tag)
    db.session.flush()
