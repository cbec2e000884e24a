"""What the pages call statuses, grades, levels and history actions, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..checklists.models import CATEGORY_NAMES
from ..drills.models import DrillMode, DrillPlace, DrillStatus, DrillTime, ImprovementAction
from ..hazards.models import HazardSource, HazardStatus

STATUS = {
    HazardStatus.reported: _l("Reported"),
    HazardStatus.assigned: _l("Assigned"),
    HazardStatus.rectifying: _l("Being rectified"),
    HazardStatus.awaiting_verification: _l("Awaiting verification"),
    HazardStatus.closed: _l("Closed"),
    HazardStatus.dismissed: _l("Dismissed"),
}
GRADE = {"general": _l("General hazard"), "major": _l("Major hazard")}
LEVEL = {0: _l("School level"), 1: _l("District office"), 2: _l("City office")}
SOURCE = {
    HazardSource.inspection: _l("Found in an inspection"),
    HazardSource.direct: _l("Reported in the app"),
    HazardSource.public: _l("Public report (unverified)"),
    HazardSource.drill: _l("Found in a drill"),
}
EVENT = {
    "opened": _l("Opened"),
    "observed_again": _l("Observed again"),
    "escalated": _l("Escalated"),
    "assign": _l("Assigned"),
    "start": _l("Rectification started"),
    "rectify": _l("Rectified"),
    "accept": _l("Verified and closed"),
    "reject": _l("Rectification rejected"),
    "dismiss": _l("Dismissed"),
    "five_fixed": _l("五落实 plan recorded"),
    "acknowledged": _l("Acknowledged by the office"),
    "extended": _l("Deadline extended"),
    "supervised": _l("Put under supervision"),
    "comment": _l("Comment"),
}
DRILL_STATUS = {DrillStatus.assigned: _l("Due"), DrillStatus.reported: _l("Reported"),
                DrillStatus.overdue: _l("Overdue")}
DRILL_FLAG = {"slow_evacuation": _l("Slow evacuation"), "late": _l("Held late"), "late_report": _l("Reported late"),
              "no_plan": _l("No plan filed"), "no_head_count": _l("No head count"),
              "phases_skipped": _l("Phases skipped")}
DRILL_MODE = {DrillMode.announced: _l("Announced (预定式)"), DrillMode.surprise: _l("Surprise (突发式)")}
DRILL_TIME = {DrillTime.class_time: _l("During class"), DrillTime.break_time: _l("At break"),
              DrillTime.meal: _l("At a meal"), DrillTime.nap: _l("At nap time"), DrillTime.night: _l("At night")}
DRILL_PLACE = {DrillPlace.teaching_building: _l("Teaching building"), DrillPlace.dormitory: _l("Dormitory"),
               DrillPlace.canteen: _l("Canteen"), DrillPlace.playground: _l("Playground"),
               DrillPlace.school_bus: _l("School bus"), DrillPlace.other: _l("Elsewhere")}
IMPROVEMENT_ACTION = {ImprovementAction.note: _l("Noted"), ImprovementAction.hazard: _l("Opened as a hazard"),
                      ImprovementAction.task: _l("Task")}
INSPECTION_FLAG = {"far_from_point": _l("Submitted far from the point"), "old_photos": _l("Old photos")}
FREQUENCY = {"daily": _l("Daily"), "weekly": _l("Weekly"), "monthly": _l("Monthly"), "term": _l("Once a term")}


def category(value) -> str:
    return str(CATEGORY_NAMES[value])


def status(value) -> str:
    return str(STATUS[HazardStatus(value)])


def event(action: str) -> str:
    return str(EVENT.get(action, action))


def drill_kind(kind) -> str:
    from ..drills.render import kind_name
    return kind_name(kind)


def drill_phases(kind) -> dict[str, str]:
    from ..drills.render import phase_names
    return phase_names(kind)


def drill_period(period_key: str) -> str:
    from ..drills.render import period_label
    return period_label(period_key)
