"""Inspection points: scoped reads, changes, QR token rotation, and what a scan returns."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, String, func, literal, select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.scope import Capability, require_in_scope, school_ids
from ..audit.services import record
from ..checklists.models import ChecklistTemplate, ChecklistVersion
from ..checklists.services import default_template_for, usable_at
from ..core.clock import now
from ..core.sql import chunks
from ..core.types import UTCDateTime
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..schools.models import School
from .models import Frequency, Point, new_qr_token, next_due


def visible_points(actor: User | None, filters: dict) -> Select:
    """Points the actor can see (`actor` None: the operator's CLI, which sees every school)."""
    query = select(Point)
    if actor is not None:
        query = query.where(Point.school_id.in_(school_ids(actor)))
    if school_id := filters.get("school_id"):
        query = query.where(Point.school_id == school_id)
    if category := filters.get("category"):
        query = query.where(Point.category == category)
    if filters.get("overdue"):
        query = query.where(Point.next_due_at < now(), Point.retired_at.is_(None))
    if not filters.get("include_retired"):
        query = query.where(Point.retired_at.is_(None))
    if q := filters.get("q"):
        query = query.where(Point.code.contains(q, autoescape=True) | Point.name_zh.contains(q, autoescape=True)
                            | Point.name_en.contains(q, autoescape=True))
    if codes := filters.get("codes"):
        query = query.where(Point.code.in_(codes))
    return query.order_by(Point.school_id, Point.code)


def get_point(actor: User, point_id: int, capability: Capability = Capability.view) -> Point:
    point = db.session.scalar(select(Point).where(Point.id == point_id, Point.school_id.in_(school_ids(actor))))
    if point is None:
        raise NotFound()
    require_in_scope(actor, point.school_id, capability)
    return point


def _template_for(school: School, category, template_id: int | None) -> ChecklistTemplate:
    if template_id is None:
        return default_template_for(category)
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None or not usable_at(template, school):
        raise Invalid(fields={"template_id": [_("No such checklist for this school.")]})
    if template.category != category:
        raise Invalid(fields={"template_id": [_("The checklist is for another category.")]})
    return template


def create_point(actor: User | None, school: School, data: dict) -> Point:
    if db.session.scalar(select(Point.id).where(Point.school_id == school.id, Point.code == data["code"])):
        raise Conflict(_("Point code %(c)s already exists at this school.", c=data["code"]), code="code_taken")
    template = _template_for(school, data["category"], data.pop("template_id", None))
    point = Point(school=school, template=template, created_at=now(), **data)
    db.session.add(point)
    db.session.flush()
    _reschedule_one(point)
    record("point.created", actor, object_type="point", object_id=point.id, school_id=school.id, code=point.code)
    return point


def update_point(actor: User, point: Point, changes: dict) -> Point:
    if "code" in changes and changes["code"] != point.code and db.session.scalar(
            select(Point.id).where(Point.school_id == point.school_id, Point.code == changes["code"])):
        raise Conflict(_("Point code %(c)s already exists at this school.", c=changes["code"]), code="code_taken")
    if "template_id" in changes or "category" in changes:
        category = changes.get("category", point.category)
        template_id = changes.pop("template_id", None)
        if template_id is None and point.template.category == category:
            template_id = point.template_id  # a category change alone keeps a still-fitting template
        point.template = _template_for(point.school, category, template_id)
    for field, value in changes.items():
        setattr(point, field, value)
    db.session.flush()
    if {"frequency", "frequency_override"} & set(changes):
        _reschedule_one(point)
    record("point.updated", actor, object_type="point", object_id=point.id, school_id=point.school_id,
           fields=sorted(changes))
    return point


def retire_point(actor: User, point: Point) -> Point:
    """A retired point keeps its history; its code no longer scans."""
    if point.retired_at is None:
        point.retired_at = now()
        record("point.retired", actor, object_type="point", object_id=point.id, school_id=point.school_id)
    return point


def rotate_qr(actor: User, point: Point) -> Point:
    """A new token: the old label stops working at once (a defaced or copied sticker)."""
    point.qr_token = new_qr_token()
    point.qr_rotated_at = now()
    record("point.qr_rotated", actor, object_type="point", object_id=point.id, school_id=point.school_id)
    db.session.flush()
    return point


def point_by_token(token: str) -> Point | None:
    """The live point behind a QR token (none for unknown, rotated-away or retired tokens)."""
    return db.session.scalar(select(Point).where(Point.qr_token == token, Point.retired_at.is_(None)))


def scan(actor: User, token: str) -> Point:
    """What an inspector's scan opens: only at schools the actor may inspect, else 404. The point comes with its
    school and the checklist the phone fills (template, current version, items): one query for all of them."""
    checklist = joinedload(Point.template).joinedload(ChecklistTemplate.current_version)
    point = db.session.scalar(
        select(Point).where(Point.qr_token == token, Point.retired_at.is_(None),
                            Point.school_id.in_(school_ids(actor, Capability.inspect)))
        .options(joinedload(Point.school), checklist.joinedload(ChecklistVersion.items)))
    if point is None:
        raise NotFound()
    return point


def qr_url(point: Point) -> str:
    from flask import current_app
    return f"{current_app.config['PUBLIC_BASE_URL']}/q/{point.qr_token}"


def scan_result(point: Point) -> dict:
    """The scan payload: the point, its school, the checklist to fill, its open hazards, its last inspection."""
    from ..hazards.services import visible_hazards_at
    from ..inspections.services import last_inspection, present
    last = last_inspection(point)
    return {"point": point, "school": point.school, "checklist": point.template.current_version,
            "open_hazards": visible_hazards_at(point), "last_inspection": present(last, False) if last else None}


def set_frequency_override(points_condition, override) -> list[int]:
    """Set the frequency override (a Frequency, None, or an SQL expression per point) of the points matching a
    condition, in one UPDATE touching only those whose override changes; those are rescheduled. Returns their ids.

    Campaigns raise water-body rhythms in their season this way; the points domain owns the write."""
    if isinstance(override, Frequency):
        override = literal(override.value, String)
    changed = db.session.scalars(
        update(Point).where(points_condition, Point.frequency_override.is_distinct_from(override))
        .values(frequency_override=override).returning(Point.id).execution_options(synchronize_session=False)).all()
    for chunk in chunks(changed):
        reschedule(Point.id.in_(chunk))
    return list(changed)


def reschedule(points_condition) -> int:
    """Recompute next_due_at for the points matching a condition, in one UPDATE (after a frequency change)."""
    return db.session.execute(update(Point).where(points_condition)
                              .values(next_due_at=next_due(func.coalesce(Point.last_inspected_at, Point.created_at)))
                              .execution_options(synchronize_session=False)).rowcount


def _reschedule_one(point: Point) -> None:
    reschedule(Point.id == point.id)
    db.session.expire(point, ["next_due_at"])


def mark_inspected(point: Point, at) -> None:
    """An inspection at `at` counts from then. Newest inspection wins, in one guarded UPDATE, so concurrent
    inspections cannot move it back."""
    moment = literal(at, UTCDateTime)
    db.session.execute(
        update(Point).where(Point.id == point.id,
                            (Point.last_inspected_at.is_(None)) | (Point.last_inspected_at < moment))
        .values(last_inspected_at=moment, next_due_at=next_due(moment))
        .execution_options(synchronize_session=False))
    db.session.expire(point, ["last_inspected_at", "next_due_at"])
