"""The in-app notifications inbox (every role): newest first, unread ones marked, each opening its subject's page.

Read and marked through the notifications service, as `GET /api/v1/notifications` and its read actions are.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.routing import BuildError

from ..core.pagination import paginate
from ..notifications import services as notifications
from .blueprint import bp
from .session import current_user, login_required

PER_PAGE = 30
# The subject's page, where the pages have one (the others are read in the inbox itself).
SUBJECT_PAGES = {"hazard": ("pages.hazard_page", "hazard_id"), "drill": ("pages.drill_page", "drill_id"),
                 "campaign_task": ("pages.campaign_task_page", "task_id")}


def subject_page(item: dict) -> str | None:
    target = SUBJECT_PAGES.get(item["subject_type"])
    if target is None:
        return None
    try:
        return url_for(target[0], **{target[1]: item["subject_id"]})
    except BuildError:
        return None


@bp.route("/inbox")
@login_required
def inbox():
    user = current_user()
    page = max(1, request.args.get("page", 1, type=int))
    query = notifications.visible_notifications(user, {"unread": True} if request.args.get("unread") else {})
    found = paginate(query, {"page": page, "per_page": PER_PAGE})
    return render_template("pages/inbox.html", items=notifications.present(found["items"]), page=page,
                           more=found["total"] > page * PER_PAGE,
                           link=subject_page, unread_only=bool(request.args.get("unread")), phone=True)


@bp.route("/inbox/<int:notification_id>", methods=["POST"])
@login_required
def inbox_open(notification_id):
    """Read: marked, then its subject's page (or back to the inbox)."""
    user = current_user()
    notification = notifications.get_notification(user, notification_id)
    notifications.mark_read(user, [notification.id])
    item = notifications.present([notification])[0]
    return redirect(subject_page(item) or url_for("pages.inbox"), 303)


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def inbox_read_all():
    notifications.mark_read(current_user())
    return redirect(url_for("pages.inbox"), 303)
