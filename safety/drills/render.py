"""Texts of this domain's notifications (drill_due, drill_overdue), in the reader's language.

Registered with safety.notifications.render: list "safety.drills.render" in its RENDERER_MODULES.
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import format_date
from flask_babel import gettext as _

from ..core.schemas import is_chinese, localised
from ..notifications.models import Notification
from ..notifications.render import Message, renders, subject
from .models import Drill, DrillKind
from .rules import current_rules, local_day


def kind_name(kind: DrillKind) -> str:
    """The kind's name from the rules (defaults.toml), in the reader's language."""
    spec = current_rules().kinds[DrillKind(kind)]
    return spec.name_zh if is_chinese() else spec.name_en


def phase_names(kind: DrillKind) -> dict[str, str]:
    return {p.key: p.name_zh if is_chinese() else p.name_en for p in current_rules().kinds[DrillKind(kind)].phases}


def period_label(period_key: str) -> str:
    """2026-11 → 2026年11月 / 2026/11; 2026-11b → second half; 2026-Q4; 2026-autumn → autumn term 2026."""
    if match := re.fullmatch(r"(\d{4})-(\d{2})(b?)", period_key):
        year, month, second_half = int(match[1]), int(match[2]), bool(match[3])
        if second_half:
            return _("second half of %(year)s/%(month)s", year=year, month=month)
        return _("%(year)s/%(month)s", year=year, month=month)
    if match := re.fullmatch(r"(\d{4})-Q(\d)", period_key):
        return _("%(year)s Q%(quarter)s", year=int(match[1]), quarter=int(match[2]))
    if match := re.fullmatch(r"(\d{4})-(autumn|spring)(-\d+)?", period_key):
        if match[2] == "autumn":
            return _("autumn term %(year)s", year=int(match[1]))
        return _("spring term %(year)s", year=int(match[1]))
    return period_key


def _names(drill: Drill) -> dict:
    last_day = local_day(current_rules(), drill.window_end - timedelta(microseconds=1))
    return {"school": localised(drill.school), "drill": kind_name(drill.kind),
            "period": period_label(drill.period_key), "day": format_date(last_day)}


@renders("drill_due", subject_type="drill", model=Drill)
def render_drill_due(notification: Notification) -> Message | None:
    drill = subject(notification, Drill)
    if drill is None:
        return None
    return Message(_("Drill due soon"),
                   _("%(school)s: the %(drill)s for %(period)s must be held and reported by %(day)s.",
                     **_names(drill)),
                   f"/api/v1/drills/{drill.id}")


@renders("drill_overdue", subject_type="drill", model=Drill)
def render_drill_overdue(notification: Notification) -> Message | None:
    drill = subject(notification, Drill)
    if drill is None:
        return None
    return Message(_("Drill overdue"),
                   _("%(school)s: the %(drill)s for %(period)s was not reported by %(day)s.", **_names(drill)),
                   f"/api/v1/drills/{drill.id}")
