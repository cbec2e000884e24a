"""Texts of notifications, rendered from (kind, subject) in the reader's language when shown or sent.

Every kind has a renderer registered with `@renders(kind)`; a domain adds its kinds in its own module and lists
that module in RENDERER_MODULES. Renderers load their subject with `subject(notification, Model)`, which
`prefetch` has usually put in the session already (one query per subject type for a whole page).
"""
from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.clock import now
from ..core.i18n import normalise
from ..core.schemas import localised
from ..extensions import db
from ..hazards.models import Hazard
from ..points.models import Point
from ..schools.models import School
from .models import Notification


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link_path: str | None = None  # a path in this service (the subject's API resource), for clients to open


Renderer = Callable[[Notification], Message | None]  # None: the subject is gone, use the fallback
RENDERERS: dict[str, Renderer] = {}
# subject_type → model, so a page of notifications loads its subjects in one query per type.
SUBJECT_MODELS: dict[str, type] = {"hazard": Hazard, "school": School, "point": Point}
# Modules of other domains that register renderers (imported on first use, like the scheduler's job list).
RENDERER_MODULES: tuple[str, ...] = ("safety.drills.render", "safety.campaigns.notices", "safety.rounds.render")
_loaded = False


def renders(kind: str, *, subject_type: str | None = None, model: type | None = None):
    """Register `function(notification) -> Message` for a kind (and, optionally, the model of its subject)."""
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        if subject_type and model is not None:
            SUBJECT_MODELS[subject_type] = model
        return function
    return register


def _load_renderers() -> None:
    global _loaded
    if not _loaded:
        for name in RENDERER_MODULES:
            importlib.import_module(name)
        _loaded = True


def prefetch(notifications: Iterable[Notification]) -> None:
    """Load the subjects of many notifications at once and pin each to its notification, where `subject()`
    finds it (the session's identity map holds objects only weakly, so it alone would not keep them)."""
    _load_renderers()
    notifications = list(notifications)
    wanted: dict[str, set[int]] = defaultdict(set)
    for notification in notifications:
        if notification.subject_type in SUBJECT_MODELS:
            wanted[notification.subject_type].add(notification.subject_id)
    loaded = {}
    for subject_type, ids in wanted.items():
        model = SUBJECT_MODELS[subject_type]
        rows = db.session.scalars(select(model).where(model.id.in_(ids)))
        loaded.update({(subject_type, row.id): row for row in rows})
    for notification in notifications:
        notification._prefetched_subject = loaded.get((notification.subject_type, notification.subject_id))


def subject(notification: Notification, model: type):
    """The notification's subject (None when it no longer exists)."""
    pinned = getattr(notification, "_prefetched_subject", None)
    if isinstance(pinned, model) and pinned.id == notification.subject_id:
        return pinned
    return db.session.get(model, notification.subject_id)


def render(notification: Notification) -> Message:
    """The message in the current locale (the request's, or the one forced by `render_in`)."""
    _load_renderers()
    renderer = RENDERERS.get(notification.kind, fallback)
    return renderer(notification) or fallback(notification)


def render_in(notification: Notification, locale: str | None) -> Message:
    """The message in a given locale (a recipient's), falling back to the service's default language."""
    with force_locale(normalise(locale) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return render(notification)


# --- the kinds this package knows ------------------------------------------------------------------------

def fallback(notification: Notification) -> Message:
    """For kinds nobody registered a text for (or whose subject is gone): still readable, never an error."""
    return Message(_("New notification"),
                   _("There is an update (%(kind)s) about %(subject_type)s #%(subject_id)s.",
                     kind=notification.kind, subject_type=notification.subject_type,
                     subject_id=notification.subject_id))


def _school_name(school: School | None) -> str:
    return localised(school) if school is not None else ""


@renders("hazards_escalated")
def hazards_escalated(notification: Notification) -> Message:
    """One sweep's escalations for one person: offices open their queue, principals their school's list."""
    data = notification.data or {}
    count, level = int(data.get("count", 0)), int(data.get("level", 1))
    if level >= 2:
        body = ngettext("%(num)d hazard at your schools reached the city safety office.",
                        "%(num)d hazards at your schools reached the city safety office.", count)
    else:
        body = ngettext("%(num)d hazard at your schools reached the district safety office.",
                        "%(num)d hazards at your schools reached the district safety office.", count)
    link = f"/api/v1/escalations?level={level}" if data.get("office") else f"/api/v1/hazards?level={level}&open=true"
    return Message(_("Hazards escalated"), body, link)


@renders("hazard_major_reported")
def hazard_major_reported(notification: Notification) -> Message | None:
    hazard = subject(notification, Hazard)
    if hazard is None:
        return None
    return Message(_("Major hazard reported"),
                   _("%(school)s reported a major hazard: “%(title)s”.", school=_school_name(hazard.school),
                     title=hazard.title),
                   f"/api/v1/hazards/{hazard.id}")


def overdue_points(school_id: int) -> int:
    return db.session.scalar(select(func.count(Point.id)).where(
        Point.school_id == school_id, Point.retired_at.is_(None), Point.next_due_at < now())) or 0


@renders("inspection_overdue")
def inspection_overdue(notification: Notification) -> Message | None:
    school = subject(notification, School)
    if school is None:
        return None
    count = overdue_points(school.id)  # how things stand when read, not when the job noticed
    name = _school_name(school)
    if count:
        body = ngettext("%(school)s: %(num)d inspection point is overdue for inspection.",
                        "%(school)s: %(num)d inspection points are overdue for inspection.", count, school=name)
    else:
        body = _("%(school)s: every inspection point has been inspected on time again.", school=name)
    return Message(_("Inspections overdue"), body, f"/api/v1/points?school_id={school.id}&overdue=true")
