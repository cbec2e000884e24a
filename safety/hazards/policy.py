"""Deadlines and the lifecycle as data: which action moves a hazard from which statuses to which, and what
entering or leaving a status does."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..checklists.models import Grade
from ..core.clock import now
from ..core.transitions import Machine, Transition
from .models import HazardStatus as S

DEFAULT_POLICY = {
    # general: rectify within 7 days unless whoever confirms it sets another deadline, at most
    # max_deadline_days after it was found (no national figure: a per-region setting, HAZARD_POLICY).
    # major: interim measures within 24 h; the rectification deadline comes from the 五落实 plan (supervision),
    # with a fallback so it is never untracked.
    "general": {"deadline_days": 7, "max_deadline_days": 30},
    "major": {"interim_hours": 24, "deadline_days": 30},
}


TRANSITIONS: dict[str, Transition] = {
    "assign": Transition({S.reported, S.assigned}, S.assigned, _l("Assigned")),
    "start": Transition({S.assigned}, S.rectifying, _l("Rectification started")),
    "rectify": Transition({S.assigned, S.rectifying}, S.awaiting_verification, _l("Rectified")),
    "accept": Transition({S.awaiting_verification}, S.closed, _l("Verified and closed")),
    "reject": Transition({S.awaiting_verification}, S.rectifying, _l("Rectification rejected")),
    "dismiss": Transition({S.reported, S.assigned}, S.dismissed, _l("Dismissed")),
    # A closed hazard found not fixed after all goes back to rectification (its new deadline: services.reopen).
    "reopen": Transition({S.closed}, S.rectifying, _l("Reopened")),
    # 立行立改: fixed during the inspection that found it, confirmed there by the inspector.
    "fix_on_the_spot": Transition({S.reported, S.assigned, S.rectifying, S.awaiting_verification}, S.closed,
                                  _l("Fixed on the spot")),
}


def _finished(hazard) -> None:
    hazard.closed_at = now()


def _unfinished(hazard) -> None:
    hazard.closed_at = None  # the ledger's 销号时间 and the closure figures count only hazards still closed


LIFECYCLE = Machine(
    "status", TRANSITIONS,
    on_enter={S.closed: _finished, S.dismissed: _finished}, on_exit={S.closed: _unfinished, S.dismissed: _unfinished},
    refusal=lambda status, action: _("A hazard that is %(status)s cannot be %(action)s.", status=status.value,
                                     action=action))


def policy() -> dict:
    configured = current_app.config.get("HAZARD_POLICY") or {}
    return {grade: {**DEFAULT_POLICY[grade], **configured.get(grade, {})} for grade in DEFAULT_POLICY}


def deadlines(grade: Grade, opened_at: datetime) -> tuple[datetime, datetime | None]:
    """(rectification deadline, interim-measures deadline) for a hazard opened at `opened_at`."""
    rules = policy()[grade.value]
    interim = opened_at + timedelta(hours=rules["interim_hours"]) if "interim_hours" in rules else None
    return opened_at + timedelta(days=rules["deadline_days"]), interim
