from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..forms import EmptyForm
from . import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def inbox():
    items = [(n, services.text_of(n)) for n in services.recent(current_user)]
    return render_template("notifications/inbox.html", items=items, form=EmptyForm())


@bp.post("/notifications/read")
@login_required
def mark_read():
    if EmptyForm().validate_on_submit():
        services.mark_all_read(current_user)
        flash(_("All notifications are marked as read."), "info")
    return redirect(url_for("notifications.inbox"))
