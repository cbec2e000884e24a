"""What hazards' statuses, grades, sources, levels and history actions are called, in one place: as the pages
show them (in the reader's language) and as offices file them (the ledger's and the notice's Chinese terms,
which are not always the UI's translation: 学校 on the ledger, 校级 on the page).

Every table covers its whole enum (tests/rules/test_hazard_rules.py checks), so a look-up never falls back:
a value without a label is a bug, raised as KeyError.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..checklists.models import Grade
from .models import HazardSource, HazardStatus
from .policy import TRANSITIONS


class Label(NamedTuple):
    shown: object  # a lazy string: the pages, in the reader's language
    filed: str     # the ledger and the notice


STATUS = {
    HazardStatus.reported: Label(_l("Reported"), "已上报"),
    HazardStatus.assigned: Label(_l("Assigned"), "已交办"),
    HazardStatus.rectifying: Label(_l("Being rectified"), "整改中"),
    HazardStatus.awaiting_verification: Label(_l("Awaiting verification"), "待验收"),
    HazardStatus.closed: Label(_l("Closed"), "已销号"),
    HazardStatus.dismissed: Label(_l("Dismissed"), "已核销（非隐患）"),
}
GRADE = {Grade.general: Label(_l("General hazard"), "一般隐患"), Grade.major: Label(_l("Major hazard"), "重大隐患")}
SOURCE = {
    HazardSource.inspection: Label(_l("Found in an inspection"), "日常巡查"),
    HazardSource.direct: Label(_l("Reported in the app"), "直接上报"),
    HazardSource.public: Label(_l("Public report (unverified)"), "群众举报"),
    HazardSource.drill: Label(_l("Found in a drill"), "应急演练"),
}
# Escalation levels (hazards.models: 0 school, 1 district office, 2 city office).
LEVEL = {0: Label(_l("School level"), "学校"), 1: Label(_l("District office"), "区县"),
         2: Label(_l("City office"), "市级")}

# History actions (shown only): the lifecycle's transitions name themselves (policy.TRANSITIONS); the events
# beside them are named here.
EVENT = {
    "opened": _l("Opened"),
    "observed_again": _l("Observed again"),
    "escalated": _l("Escalated"),
    **{action: transition.label for action, transition in TRANSITIONS.items()},
    "five_fixed": _l("五落实 plan recorded"),
    "deadline_set": _l("Deadline set"),
    "acknowledged": _l("Acknowledged by the office"),
    "extended": _l("Deadline extended"),
    "supervised": _l("Put under supervision"),
    "comment": _l("Comment"),
}


def shown(table: dict, value) -> str:
    return str(table[value].shown)


def filed(table: dict, value) -> str:
    return table[value].filed


def filed_time(value: datetime | None) -> str:
    """A moment as the documents file it: local time to the minute, blank when there is none."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")
