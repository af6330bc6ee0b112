from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..errors import require
from ..forms import EmptyForm
from ..i18n import select_locale
from ..transaction import attempt
from . import services
from .forms import ApplicationForm, InviteForm, OrganizationProfileForm, ReasonForm, RoleForm, SuspensionForm

bp = Blueprint("orgs", __name__)


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    if current_user.is_authenticated:
        flash(_("You already belong to a member organization."), "info")
        return redirect(url_for("main.organization", org_id=current_user.org_id))
    form = ApplicationForm()
    if form.validate_on_submit(check=lambda: services.check_application(**form.values(
            "registration_number", "password", email="person_email", name="person_name"))):
        person = {"name": form.person_name.data, "position": form.person_position.data,
                  "email": form.person_email.data}
        if attempt(lambda: services.apply_for_membership(form.org_data(), person, form.password.data,
                                                         select_locale()), form=form, field="person_email"):
            return redirect(url_for("orgs.application_sent"))
    return render_template("orgs/apply.html", form=form)


@bp.get("/apply/sent")
def application_sent():
    return render_template("orgs/application_sent.html")


@bp.get("/orgs")
def directory():
    return render_template("orgs/directory.html", members=services.member_organizations())


@bp.get("/orgs/lookup")
def lookup():
    """The catalogue's organization filter as one types: active members whose name begins with the words."""
    found = services.organization_lookup(request.args.get("q", ""))
    response = jsonify(organizations=[{"id": org_id, "name": name} for org_id, name in found])
    response.cache_control.max_age = 60
    return response


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id):
    org = services.get_visible_org(current_user, org_id, policy.can_see_people)
    require(policy.can_manage_org(current_user, org))
    form = OrganizationProfileForm(obj=org)
    if form.validate_on_submit():
        if attempt(lambda: services.update_profile(current_user, org, form.org_data()), form=form,
                   field="registration_number"):
            flash(_("The organization's profile is saved."), "success")
            return redirect(url_for("main.organization", org_id=org.id))
    return render_template("orgs/edit.html", form=form, org=org)


@bp.get("/orgs/<int:org_id>/people")
@login_required
def people(org_id):
    org = services.get_visible_org(current_user, org_id, policy.can_see_people)
    return render_template("orgs/people.html", org=org, invite_form=InviteForm(), action_form=EmptyForm(),
                           people=[p for p in org.people if p.removed_at is None])


@bp.post("/orgs/<int:org_id>/people/invite")
@login_required
def invite(org_id):
    org = services.get_visible_org(current_user, org_id, policy.can_see_people)
    require(policy.can_manage_org(current_user, org))
    form = InviteForm()
    if form.validate_on_submit():
        invited = attempt(lambda: services.invite(current_user, org, form.email.data, form.name.data,
                                                  form.role.data), form=form, field="email")
        if invited:
            flash(_("An invitation has been sent to %(email)s.", email=invited.value.email), "success")
            return redirect(url_for("orgs.people", org_id=org.id))
    return render_template("orgs/people.html", org=org, invite_form=form, action_form=EmptyForm(),
                           people=[p for p in org.people if p.removed_at is None]), 422


@bp.post("/orgs/<int:org_id>/people/<int:user_id>/role")
@login_required
def change_role(org_id, user_id):
    org = services.get_visible_org(current_user, org_id, policy.can_see_people)
    require(policy.can_manage_org(current_user, org))
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: services.change_role(current_user, org, user_id, form.role.data),
            success=_("The role is changed."))
    return redirect(url_for("orgs.people", org_id=org.id))


@bp.post("/orgs/<int:org_id>/people/<int:user_id>/remove")
@login_required
def remove_person(org_id, user_id):
    org = services.get_visible_org(current_user, org_id, policy.can_see_people)
    require(policy.can_manage_org(current_user, org))
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: services.remove_person(current_user, org, user_id),
            success=_("The person has been removed from the organization."))
    return redirect(url_for("orgs.people", org_id=org.id))


# Coordination: applications and the state of member organizations.

@bp.get("/coordination/applications")
@login_required
def applications():
    require(policy.can_review_applications(current_user))
    return render_template("orgs/applications.html", pending=services.pending_applications(),
                           organizations=services.decided_organizations())


@bp.route("/coordination/applications/<int:org_id>", methods=["GET"])
@login_required
def application(org_id):
    require(policy.can_review_applications(current_user))
    org = services.get_visible_org(current_user, org_id)
    return render_template("orgs/application.html", org=org, approve_form=EmptyForm(), reject_form=ReasonForm())


@bp.post("/coordination/applications/<int:org_id>/approve")
@login_required
def approve(org_id):
    require(policy.can_review_applications(current_user))
    org = services.get_visible_org(current_user, org_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(lambda: services.approve_application(current_user, org),
               success=_("%(org)s is approved and is now a member.", org=org.name)):
        return redirect(url_for("orgs.applications"))
    return redirect(url_for("orgs.application", org_id=org.id))


@bp.post("/coordination/applications/<int:org_id>/reject")
@login_required
def reject(org_id):
    require(policy.can_review_applications(current_user))
    org = services.get_visible_org(current_user, org_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_template("orgs/application.html", org=org, approve_form=EmptyForm(), reject_form=form), 422
    if attempt(lambda: services.reject_application(current_user, org, form.reason.data),
               success=_("The application of %(org)s is rejected.", org=org.name)):
        return redirect(url_for("orgs.applications"))
    return redirect(url_for("orgs.application", org_id=org.id))


@bp.route("/orgs/<int:org_id>/suspend", methods=["GET", "POST"])
@login_required
def suspend(org_id):
    """A page of its own (what suspension does, the reason next to its field), as weighty actions have."""
    org = services.get_visible_org(current_user, org_id)
    require(policy.can_suspend(current_user, org))
    form = SuspensionForm()
    if form.validate_on_submit() and attempt(lambda: services.suspend(current_user, org, form.reason.data),
                                             form=form, success=_("%(org)s is suspended.", org=org.name)):
        return redirect(url_for("main.organization", org_id=org.id))
    return render_template("orgs/suspend.html", org=org, form=form), 422 if form.is_submitted() else 200


@bp.post("/orgs/<int:org_id>/reactivate")
@login_required
def reactivate(org_id):
    org = services.get_visible_org(current_user, org_id)
    require(policy.can_suspend(current_user, org))
    if not EmptyForm().validate_on_submit():
        abort(400)
    attempt(lambda: services.reactivate(current_user, org), success=_("%(org)s is active again.", org=org.name))
    return redirect(url_for("main.organization", org_id=org.id))
