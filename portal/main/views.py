from flask import Blueprint, render_template
from flask_login import current_user

from ..orgs.services import get_visible_org, member_organizations
from ..resources import services as catalogue
from ..resources.models import Need, Resource

bp = Blueprint("main", __name__)


@bp.get("/")
def landing():
    return render_template("main/landing.html", members=member_organizations())


@bp.get("/orgs/<int:org_id>")
def organization(org_id):
    """An organization's public profile with what it offers and needs (as far as the viewer may see)."""
    org = get_visible_org(current_user, org_id)
    return render_template(
        "orgs/profile.html", org=org,
        resources=catalogue.org_entries(Resource, org, viewer=current_user),
        needs=catalogue.org_entries(Need, org, viewer=current_user),
    )
