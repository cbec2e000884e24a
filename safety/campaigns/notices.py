"""Texts of this package's notifications, registered with the outbox's renderers (see notifications/render.py).

Imported by this package's api and jobs modules, so the web workers and the scheduler both know them.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from ..core.schemas import localised
from ..notifications.models import Notification
from ..notifications.render import Message, renders, subject
from .letters.receipts import class_label
from .models import CampaignLag, CampaignTask
from .periods import local_day


@renders("campaign_task_due", subject_type="campaign_task", model=CampaignTask)
def campaign_task_due(notification: Notification) -> Message | None:
    task = subject(notification, CampaignTask)
    if task is None:
        return None
    # Due at local midnight: the last day to do it is the day before.
    last_day = local_day(task.due_at - timedelta(seconds=1))
    return Message(_("Campaign task due soon"),
                   _("%(school)s: “%(activity)s” for %(campaign)s is due by the end of %(day)s.",
                     school=localised(task.school), activity=localised(task.requirement),
                     campaign=localised(task.campaign), day=last_day.isoformat()),
                   f"/api/v1/campaigns/{task.campaign_id}/tasks?school_id={task.school_id}")


@renders("campaign_task_new", subject_type="campaign_task", model=CampaignTask)
def campaign_task_new(notification: Notification) -> Message | None:
    task = subject(notification, CampaignTask)
    if task is None or task.school_class is None:
        return None
    last_day = local_day(task.due_at - timedelta(seconds=1))
    return Message(_("New campaign task for your class"),
                   _("%(class)s: “%(activity)s” for %(campaign)s, due by the end of %(day)s.",
                     **{"class": class_label(task.school_class)}, activity=localised(task.requirement),
                     campaign=localised(task.campaign), day=last_day.isoformat()),
                   f"/api/v1/campaigns/{task.campaign_id}/tasks?school_id={task.school_id}")


@renders("campaign_lagging", subject_type="campaign_lag", model=CampaignLag)
def campaign_lagging(notification: Notification) -> Message | None:
    lag = subject(notification, CampaignLag)
    if lag is None:
        return None
    body = _("%(school)s is behind in %(campaign)s: %(done)s of the %(due)s items due by now are done "
             "(%(total)s in all).", school=localised(lag.school), campaign=localised(lag.campaign),
             done=lag.done, due=lag.due, total=lag.total)
    if lag.episodes > 1:
        body += " " + _("It has fallen behind %(episodes)s times in this campaign.", episodes=lag.episodes)
    return Message(_("School lagging in a campaign"), body,
                   f"/api/v1/campaigns/{lag.campaign_id}/progress?school_id={lag.school_id}")
