from flask import Blueprint, render_template
from flask_login import current_user

from .. import policy
from ..exchanges.services import state_label
from ..home import services as home
from ..orgs.services import get_visible_org, member_organizations
from ..resources import services as catalogue
from ..resources.models import Need, Resource

bp = Blueprint("main", __name__)


@bp.get("/")
def landing():
    """Visitors get the network's landing page; a person who is logged in gets their home."""
    members = member_organizations()
    if not current_user.is_authenticated:
        return render_template("main/landing.html", members=members)
    return _home(members)


def _home(members):
    user, org = current_user, current_user.org
    waiting = [w for w in (home.coordinator_waiting(user) + home.representative_waiting(user))]
    steps = home.onboarding(org) if org.is_active and policy.can_write(user) else []
    return render_template(
        "main/home.html", members=members, waiting=[w for w in waiting if w.count],
        nothing_waits=not any(w.count for w in waiting),
        figures=home.network_figures() if policy.is_coordinator(user) else None,
        starting=home.starting_soon(org.id), lending=home.lent_this_week(org.id),
        requests=home.our_requests(org.id), unread_messages=home.unread_messages(user),
        needs_with_offers=home.needs_with_new_offers(user) if user.is_representative else [],
        steps=steps if steps and not all(s.done for s in steps) else [],
        state_label=state_label)


@bp.get("/orgs/<int:org_id>")
def organization(org_id):
    """An organization's public profile with what it offers and needs (as far as the viewer may see)."""
    org = get_visible_org(current_user, org_id)
    return render_template(
        "orgs/profile.html", org=org,
        resources=catalogue.org_entries(Resource, org, viewer=current_user),
        needs=catalogue.org_entries(Need, org, viewer=current_user),
    )
