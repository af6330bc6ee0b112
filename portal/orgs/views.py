from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import policy
from ..errors import NotAllowed, RuleViolation
from ..extensions import db
from ..forms import EmptyForm
from ..i18n import select_locale
from . import bp, services
from .forms import ApplicationForm, InviteForm, OrganizationProfileForm, ReasonForm, RoleForm
from ..text import latvian_sort_key
from .models import APPLIED, Organization


def load_org(org_id: int, permission=policy.can_see_org) -> Organization:
    """The organization if this user may see it in this way; otherwise 404, whatever the reason."""
    org = db.session.get(Organization, org_id)
    if org is None or not permission(current_user, org):
        abort(404)
    return org


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _commit_or_flash(action, success_message) -> bool:
    """Runs a service call; commits and flashes success, or rolls back and flashes why not."""
    try:
        action()
    except RuleViolation as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return False
    except NotAllowed:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash(success_message, "success")
    return True


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    if current_user.is_authenticated:
        flash(_("You already belong to a member organization."), "info")
        return redirect(url_for("orgs.profile", org_id=current_user.org_id))
    form = ApplicationForm()
    if form.validate_on_submit():
        person = {"name": form.person_name.data, "position": form.person_position.data,
                  "email": form.person_email.data}
        try:
            services.apply_for_membership(form.org_data(), person, form.password.data, select_locale())
        except RuleViolation as refused:
            db.session.rollback()
            getattr(form, refused.field or "person_email").errors.append(str(refused.message))
        else:
            db.session.commit()
            return redirect(url_for("orgs.application_sent"))
    return render_template("orgs/apply.html", form=form)


@bp.get("/apply/sent")
def application_sent():
    return render_template("orgs/application_sent.html")


@bp.get("/orgs")
def directory():
    return render_template("orgs/directory.html", members=services.member_organizations())


@bp.get("/orgs/<int:org_id>")
def profile(org_id):
    org = load_org(org_id)
    from ..resources import services as catalogue
    from ..resources.models import Need, Resource

    return render_template(
        "orgs/profile.html", org=org,
        resources=catalogue.org_entries(Resource, org, viewer=current_user),
        needs=catalogue.org_entries(Need, org, viewer=current_user),
    )


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id):
    org = load_org(org_id, policy.can_see_people)
    _require(policy.can_manage_org(current_user, org))
    form = OrganizationProfileForm(obj=org)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, org, form.org_data())
        except RuleViolation as refused:
            db.session.rollback()
            form.registration_number.errors.append(str(refused.message))
        else:
            db.session.commit()
            flash(_("The organization's profile is saved."), "success")
            return redirect(url_for("orgs.profile", org_id=org.id))
    return render_template("orgs/edit.html", form=form, org=org)


@bp.get("/orgs/<int:org_id>/people")
@login_required
def people(org_id):
    org = load_org(org_id, policy.can_see_people)
    return render_template("orgs/people.html", org=org, invite_form=InviteForm(), action_form=EmptyForm(),
                           people=[p for p in org.people if p.removed_at is None])


@bp.post("/orgs/<int:org_id>/people/invite")
@login_required
def invite(org_id):
    org = load_org(org_id, policy.can_see_people)
    _require(policy.can_manage_org(current_user, org))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            person = services.invite(current_user, org, form.email.data, form.name.data, form.role.data)
        except RuleViolation as refused:
            db.session.rollback()
            form.email.errors.append(str(refused.message))
        else:
            db.session.commit()
            flash(_("An invitation has been sent to %(email)s.", email=person.email), "success")
            return redirect(url_for("orgs.people", org_id=org.id))
    return render_template("orgs/people.html", org=org, invite_form=form, action_form=EmptyForm(),
                           people=[p for p in org.people if p.removed_at is None]), 422


@bp.post("/orgs/<int:org_id>/people/<int:user_id>/role")
@login_required
def change_role(org_id, user_id):
    org = load_org(org_id, policy.can_see_people)
    _require(policy.can_manage_org(current_user, org))
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        _commit_or_flash(lambda: services.change_role(current_user, org, user_id, form.role.data),
                         _("The role is changed."))
    except LookupError:
        abort(404)
    return redirect(url_for("orgs.people", org_id=org.id))


@bp.post("/orgs/<int:org_id>/people/<int:user_id>/remove")
@login_required
def remove_person(org_id, user_id):
    org = load_org(org_id, policy.can_see_people)
    _require(policy.can_manage_org(current_user, org))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        _commit_or_flash(lambda: services.remove_person(current_user, org, user_id),
                         _("The person has been removed from the organization."))
    except LookupError:
        abort(404)
    return redirect(url_for("orgs.people", org_id=org.id))


# Coordination: applications and the state of member organizations.

@bp.get("/coordination/applications")
@login_required
def applications():
    _require(policy.can_review_applications(current_user))
    pending = db.session.scalars(
        select(Organization).where(Organization.state == APPLIED).order_by(Organization.applied_at)
    ).all()
    organizations = sorted(
        db.session.scalars(select(Organization).where(Organization.state != APPLIED)),
        key=lambda org: latvian_sort_key(org.name),
    )
    return render_template("orgs/applications.html", pending=pending, organizations=organizations)


@bp.route("/coordination/applications/<int:org_id>", methods=["GET"])
@login_required
def application(org_id):
    _require(policy.can_review_applications(current_user))
    org = load_org(org_id)
    return render_template("orgs/application.html", org=org, approve_form=EmptyForm(), reject_form=ReasonForm())


@bp.post("/coordination/applications/<int:org_id>/approve")
@login_required
def approve(org_id):
    _require(policy.can_review_applications(current_user))
    org = load_org(org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if _commit_or_flash(lambda: services.approve_application(current_user, org),
                        _("%(org)s is approved and is now a member.", org=org.name)):
        return redirect(url_for("orgs.applications"))
    return redirect(url_for("orgs.application", org_id=org.id))


@bp.post("/coordination/applications/<int:org_id>/reject")
@login_required
def reject(org_id):
    _require(policy.can_review_applications(current_user))
    org = load_org(org_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_template("orgs/application.html", org=org, approve_form=EmptyForm(), reject_form=form), 422
    if _commit_or_flash(lambda: services.reject_application(current_user, org, form.reason.data),
                        _("The application of %(org)s is rejected.", org=org.name)):
        return redirect(url_for("orgs.applications"))
    return redirect(url_for("orgs.application", org_id=org.id))


@bp.post("/orgs/<int:org_id>/suspend")
@login_required
def suspend(org_id):
    org = load_org(org_id)
    _require(policy.can_suspend(current_user, org))
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the suspension."), "error")
        return redirect(url_for("orgs.profile", org_id=org.id))
    _commit_or_flash(lambda: services.suspend(current_user, org, form.reason.data),
                     _("%(org)s is suspended.", org=org.name))
    return redirect(url_for("orgs.profile", org_id=org.id))


@bp.post("/orgs/<int:org_id>/reactivate")
@login_required
def reactivate(org_id):
    org = load_org(org_id)
    _require(policy.can_suspend(current_user, org))
    if not EmptyForm().validate_on_submit():
        abort(400)
    _commit_or_flash(lambda: services.reactivate(current_user, org), _("%(org)s is active again.", org=org.name))
    return redirect(url_for("orgs.profile", org_id=org.id))
