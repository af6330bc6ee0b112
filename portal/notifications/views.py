from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import found
from ..forms import EmptyForm
from . import services

bp = Blueprint("notifications", __name__)


def _item(notification):
    return {
        "id": notification.id,
        "text": services.text_of(notification),
        "group": services.group_of(notification),
        "group_label": services.GROUP_LABELS[services.group_of(notification)],
        "action": services.action_label(notification),
        "unread": notification.read_at is None,
        "created_at": notification.created_at,
        "link": notification.link,
    }


@bp.get("/notifications")
@login_required
def inbox():
    notifications = services.inbox(current_user)
    waiting = [_item(n) for n in notifications if n.waits_for_action]
    others = [_item(n) for n in notifications if not n.waits_for_action]
    return render_template("notifications/inbox.html", waiting=waiting, others=others, form=EmptyForm(),
                           any_unread=any(n.read_at is None for n in notifications))


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id):
    """Opening a notification marks it read (a POST: a GET never changes anything) and goes where it points."""
    notification = found(services.open_notification(current_user, notification_id))
    link = notification.link
    return redirect(link if link.startswith("/") and not link.startswith("//") else url_for("notifications.inbox"))


@bp.post("/notifications/read")
@login_required
def mark_read():
    if EmptyForm().validate_on_submit():
        services.mark_all_read(current_user)
        flash(_("All notifications are marked as read."), "info")
    return redirect(url_for("notifications.inbox"))
