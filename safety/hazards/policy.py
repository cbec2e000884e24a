"""Deadlines and the lifecycle as data: which action moves a hazard from which statuses to which."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from ..checklists.models import Grade
from .models import HazardStatus as S

DEFAULT_POLICY = {
    # general: rectify within 7 days unless whoever confirms it sets another deadline, at most
    # max_deadline_days after it was found (no national figure: a per-region setting, HAZARD_POLICY).
    # major: interim measures within 24 h; the rectification deadline comes from the 五落实 plan (supervision),
    # with a fallback so it is never untracked.
    "general": {"deadline_days": 7, "max_deadline_days": 30},
    "major": {"interim_hours": 24, "deadline_days": 30},
}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[S]
    target: S


TRANSITIONS: dict[str, Transition] = {
    "assign": Transition(frozenset({S.reported, S.assigned}), S.assigned),
    "start": Transition(frozenset({S.assigned}), S.rectifying),
    "rectify": Transition(frozenset({S.assigned, S.rectifying}), S.awaiting_verification),
    "accept": Transition(frozenset({S.awaiting_verification}), S.closed),
    "reject": Transition(frozenset({S.awaiting_verification}), S.rectifying),
    "dismiss": Transition(frozenset({S.reported, S.assigned}), S.dismissed),
    # 立行立改: fixed during the inspection that found it, confirmed there by the inspector.
    "fix_on_the_spot": Transition(frozenset({S.reported, S.assigned, S.rectifying, S.awaiting_verification}),
                                  S.closed),
}


def policy() -> dict:
    configured = current_app.config.get("HAZARD_POLICY") or {}
    return {grade: {**DEFAULT_POLICY[grade], **configured.get(grade, {})} for grade in DEFAULT_POLICY}


def deadlines(grade: Grade, opened_at: datetime) -> tuple[datetime, datetime | None]:
    """(rectification deadline, interim-measures deadline) for a hazard opened at `opened_at`."""
    rules = policy()[grade.value]
    interim = opened_at + timedelta(hours=rules["interim_hours"]) if "interim_hours" in rules else None
    return opened_at + timedelta(days=rules["deadline_days"]), interim
