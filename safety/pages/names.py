"""What the pages call statuses, grades, levels and history actions, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..checklists.models import CATEGORY_NAMES
from ..drills.models import DrillMode, DrillPlace, DrillStatus, DrillTime, ImprovementAction
from ..hazards import labels
from ..hazards.models import HazardStatus

# The hazard tables live with the hazards (hazards.labels, beside the ledger's terms); the pages show them.
STATUS = {status: label.shown for status, label in labels.STATUS.items()}
GRADE = {grade.value: label.shown for grade, label in labels.GRADE.items()}
LEVEL = {level: label.shown for level, label in labels.LEVEL.items()}
SOURCE = {source: label.shown for source, label in labels.SOURCE.items()}
EVENT = labels.EVENT
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
    return labels.shown(labels.STATUS, HazardStatus(value))


def event(action: str) -> str:
    return str(labels.EVENT[action])


def drill_kind(kind) -> str:
    from ..drills.render import kind_name
    return kind_name(kind)


def drill_phases(kind) -> dict[str, str]:
    from ..drills.render import phase_names
    return phase_names(kind)


def drill_period(period_key: str) -> str:
    from ..drills.render import period_label
    return period_label(period_key)
