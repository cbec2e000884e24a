"""Regions, schools and classes: scoped reads and the rules for changing them."""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.scope import Capability, holds, is_admin, may_region, region_ids, require_in_scope, school_ids
from ..audit.services import record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from .models import Region, RegionLevel, School, SchoolClass

CHILD_LEVEL = {None: {RegionLevel.province, RegionLevel.city}, RegionLevel.province: {RegionLevel.city},
               RegionLevel.city: {RegionLevel.district}, RegionLevel.district: set()}


# --- regions --------------------------------------------------------------------------------------------

def visible_regions(actor: User) -> Select:
    """Regions the actor oversees, plus the regions their schools sit in."""
    own_school_regions = select(School.region_id).where(School.id.in_(school_ids(actor)))
    return select(Region).where(Region.id.in_(region_ids(actor)) | Region.id.in_(own_school_regions)) \
        .order_by(Region.path)


def get_region(actor: User, region_id: int) -> Region:
    """A region the actor can see (else 404), looked up once per request: a dashboard's hazard, coverage,
    drill and queue figures each filter by the same region, and each would otherwise ask again."""
    seen = request.environ.setdefault("safety.visible_regions", {}) if has_request_context() else {}
    key = (actor.id, region_id)
    if key not in seen:
        seen[key] = db.session.scalar(visible_regions(actor).where(Region.id == region_id))
    if seen[key] is None:
        raise NotFound()
    return seen[key]


def create_region(actor: User | None, *, code: str, name_zh: str, name_en: str = "", level: RegionLevel,
                  parent: Region | None = None) -> Region:
    """Admins create any region; an office may add districts below its own region."""
    if actor is not None and not is_admin(actor) and (
            parent is None or not may_region(actor, Capability.oversee, parent.id)):
        raise Forbidden()
    if level not in CHILD_LEVEL[parent.level if parent else None]:
        raise Invalid(fields={"level": [_("A %(level)s cannot sit there in the region tree.", level=level.value)]})
    if db.session.scalar(select(Region.id).where(Region.code == code)):
        raise Conflict(_("Region code %(c)s is taken.", c=code), code="code_taken")
    region = Region(code=code, name_zh=name_zh, name_en=name_en, level=level, parent=parent)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    record("region.created", actor, object_type="region", object_id=region.id, region_id=region.id, code=code)
    return region


# --- schools --------------------------------------------------------------------------------------------

def school_ids_in_region(region: Region) -> Select:
    """Ids of the schools at or below a region."""
    return select(School.id).join(Region, Region.id == School.region_id).where(Region.path.startswith(region.path))


def school_ids_in_visible_region(actor: User, region_id: int) -> Select:
    """Ids of the schools at or below a region the actor can see (an invisible region is 404)."""
    return school_ids_in_region(get_region(actor, region_id))


def visible_schools(actor: User, filters: dict) -> Select:
    query = select(School).where(School.id.in_(school_ids(actor)))
    if region_id := filters.get("region_id"):
        query = query.where(School.id.in_(school_ids_in_visible_region(actor, region_id)))
    if school_type := filters.get("type"):
        query = query.where(School.type == school_type)
    if q := filters.get("q"):
        query = query.where(School.name_zh.contains(q, autoescape=True) | School.name_en.contains(q, autoescape=True)
                            | School.code.contains(q, autoescape=True))
    if "active" in filters:
        query = query.where(School.active.is_(filters["active"]))
    return query.order_by(School.code)


def _check_district(actor: User | None, region: Region) -> None:
    if region.level != RegionLevel.district:
        raise Invalid(fields={"region": [_("A school belongs to a district.")]})
    if actor is not None and not may_region(actor, Capability.oversee, region.id):
        raise Forbidden()


def create_school(actor: User | None, *, region: Region, code: str, **fields) -> School:
    _check_district(actor, region)
    if db.session.scalar(select(School.id).where(School.code == code)):
        raise Conflict(_("School code %(c)s is taken.", c=code), code="code_taken")
    school = School(code=code, region=region, **fields)
    db.session.add(school)
    db.session.flush()
    record("school.created", actor, object_type="school", object_id=school.id, school_id=school.id, code=code)
    return school


def update_school(actor: User | None, school: School, changes: dict) -> School:
    """Principals edit their school's facts; moving a school between districts is an office's (or operator's) act."""
    changes = dict(changes)
    if (region_id := changes.pop("region_id", school.region_id)) != school.region_id:
        if actor is not None and not holds(actor, Capability.oversee):
            raise Forbidden()
        region = db.session.get(Region, region_id)
        if region is None:
            raise Invalid(fields={"region_id": [_("No such region.")]})
        _check_district(actor, region)
        school.region = region
        changes["region_id"] = region_id  # recorded below
    for field, value in changes.items():
        if field != "region_id":
            setattr(school, field, value)
    record("school.updated", actor, object_type="school", object_id=school.id, school_id=school.id,
           fields=sorted(changes))
    db.session.flush()
    return school


# --- classes --------------------------------------------------------------------------------------------

def school_classes(school: School) -> Select:
    return select(SchoolClass).where(SchoolClass.school_id == school.id) \
        .order_by(SchoolClass.grade, SchoolClass.name)


def get_class(actor: User, class_id: int, capability: Capability = Capability.view) -> SchoolClass:
    school_class = db.session.scalar(select(SchoolClass).where(
        SchoolClass.id == class_id, SchoolClass.school_id.in_(school_ids(actor))))
    if school_class is None:
        raise NotFound()
    require_in_scope(actor, school_class.school_id, capability)
    return school_class


def add_class(actor: User | None, school: School, *, grade: int, name: str, student_count: int) -> SchoolClass:
    if db.session.scalar(select(SchoolClass.id).where(SchoolClass.school_id == school.id,
                                                      SchoolClass.grade == grade, SchoolClass.name == name)):
        raise Conflict(_("That class already exists."), code="class_exists")
    school_class = SchoolClass(school=school, grade=grade, name=name, student_count=student_count)
    db.session.add(school_class)
    db.session.flush()
    record("class.created", actor, object_type="class", object_id=school_class.id, school_id=school.id,
           grade=grade, name=name, student_count=student_count)
    return school_class


def remove_class(actor: User, school_class: SchoolClass) -> None:
    """A class that campaign work, letters or teachers already refer to stays: its records are the school's ledger."""
    try:
        with db.session.begin_nested():
            db.session.delete(school_class)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This class already has campaign work or letters on record; it cannot be removed."),
                       code="class_in_use") from None
    record("class.removed", actor, object_type="class", object_id=school_class.id, school_id=school_class.school_id,
           grade=school_class.grade, name=school_class.name)


def update_class(actor: User | None, school_class: SchoolClass, changes: dict) -> SchoolClass:
    name = changes.get("name", school_class.name)
    if name != school_class.name and db.session.scalar(select(SchoolClass.id).where(
            SchoolClass.school_id == school_class.school_id, SchoolClass.grade == school_class.grade,
            SchoolClass.name == name)):
        raise Conflict(_("That class already exists."), code="class_exists")
    for field, value in changes.items():
        setattr(school_class, field, value)
    db.session.flush()
    record("class.updated", actor, object_type="class", object_id=school_class.id, school_id=school_class.school_id,
           **changes)
    return school_class


def backdate_schools(region: Region, registered_at) -> int:
    """Demo data only: every school in and below `region` as if registered at `registered_at`, so that it owes
    what fell due in the made-up history before today (one UPDATE)."""
    below = select(Region.id).where(Region.path.startswith(region.path, autoescape=True))
    changed = db.session.execute(update(School).where(School.region_id.in_(below)).values(created_at=registered_at)
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.expire_all()
    return changed
