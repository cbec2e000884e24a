"""Texts of this domain's notification (round_missed), in the reader's language.

Registered with safety.notifications.render: "safety.rounds.render" is listed in its RENDERER_MODULES.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..core.schemas import localised
from ..notifications.models import Notification
from ..notifications.render import Message, renders, subject
from .kinds import current_rules
from .models import Round


@renders("round_missed", subject_type="round", model=Round)
def render_round_missed(notification: Notification) -> Message | None:
    found = subject(notification, Round)
    if found is None:
        return None
    spec = current_rules().kinds.get(found.kind)
    return Message(_("Round missed"),
                   _("%(school)s: the %(round)s of %(period)s was not completed (%(done)s of %(total)s points "
                     "inspected).", school=localised(found.school), round=localised(spec) if spec else found.kind,
                     period=found.period_key, done=found.points_done or 0, total=found.points_total or 0),
                   f"/api/v1/rounds/{found.id}")
