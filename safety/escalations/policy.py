"""How long each level may sit on a hazard before the next one hears of it, and how far an office may move a
deadline (configurable with ESCALATION_POLICY)."""
from __future__ import annotations

from flask import current_app

from ..checklists.models import Grade
from ..schools.models import RegionLevel

DEFAULT_POLICY = {
    # A hazard past its deadline at school level goes to the district office at once (level 1); still unresolved
    # this many days later (and still overdue), it goes to the city (level 2).
    "city_after_days": {"general": 14, "major": 7},
    # An extension moves the deadline later, to at most this many days after the current deadline, and a
    # hazard's deadline is extended at most this many times. (Project defaults; no regulation fixes them.)
    "max_extension_days": 30,
    "max_extensions": 2,
    # 挂牌督办 sets the deadline of the supervision plan, at most this many days ahead, once per level.
    "max_supervision_days": 90,
}

# Hazards an office takes on from the moment they are found, at which level, and the notice that office gets:
# a major hazard is the district office's at once.
WHEN_OPENED: dict[Grade, tuple[int, str]] = {Grade.major: (1, "hazard_major_reported")}

# Which office answers for a hazard at each escalation level (a hazard still at the school: its district's).
OFFICE_OF_LEVEL = {0: RegionLevel.district, 1: RegionLevel.district, 2: RegionLevel.city}


def policy() -> dict:
    configured = current_app.config.get("ESCALATION_POLICY") or {}
    merged = {**DEFAULT_POLICY, **configured}
    merged["city_after_days"] = {**DEFAULT_POLICY["city_after_days"], **configured.get("city_after_days", {})}
    return merged
