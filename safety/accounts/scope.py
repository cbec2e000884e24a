"""The one answer to "which schools may this actor see, inspect, manage or oversee".

Every query of school-owned data in every package filters with `school_ids(actor, capability)`, a SQL
sub-select, so scoping stays set-based and a list can never leak another school's rows. A school outside
the actor's sight is 404; a visible school where the actor lacks the capability is 403.
"""
from __future__ import annotations

import enum

from sqlalchemy import Select, false, or_, select

from ..errors import Forbidden, NotFound
from ..extensions import db
from ..schools.models import Region, School, SchoolClass
from .models import Role, RoleAssignment, User


class Capability(enum.StrEnum):
    view = "view"          # read the school's points, inspections, hazards, drills, campaigns
    inspect = "inspect"    # scan points and submit inspections
    manage = "manage"      # run the school: points, classes, hazards, drills, campaign reports
    oversee = "oversee"    # an office's powers: escalation actions, verification of major hazards
    teach = "teach"        # a class teacher's: the campaign work of their own classes, nothing else of the school


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.admin: frozenset(Capability),
    Role.safety_office: frozenset(Capability),
    Role.principal: frozenset({Capability.view, Capability.inspect, Capability.manage}),
    Role.inspector: frozenset({Capability.view, Capability.inspect}),
    Role.class_teacher: frozenset({Capability.teach}),
}


def _assignments(actor: User, capability: Capability):
    return [a for a in actor.roles if capability in ROLE_CAPABILITIES[a.role]]


def holds(actor: User, capability: Capability) -> bool:
    """Whether the actor holds `capability` anywhere: the check for what is about no one school yet (the audit
    trail and user administration are for those who oversee: offices and admins)."""
    return bool(_assignments(actor, capability))


def require_holding(actor: User, capability: Capability) -> User:
    if not holds(actor, capability):
        raise Forbidden()
    return actor


def is_admin(actor: User) -> bool:
    """The operator: every school and region, and the only one who makes admins or edits what is city-wide."""
    return any(a.role == Role.admin for a in actor.roles)


def region_ids(actor: User, capability: Capability = Capability.view) -> Select:
    """Regions at or below the actor's region assignments (all regions for an admin)."""
    assignments = _assignments(actor, capability)
    if is_admin(actor):
        return select(Region.id)
    paths = [a.region.path for a in assignments if a.region_id]
    if not paths:
        return select(Region.id).where(false())
    return select(Region.id).where(or_(*(Region.path.startswith(p, autoescape=True) for p in paths)))


def school_ids(actor: User, capability: Capability = Capability.view) -> Select:
    """A sub-select of the ids of schools where the actor holds the capability."""
    assignments = _assignments(actor, capability)
    if is_admin(actor):
        return select(School.id)
    direct = [a.school_id for a in assignments if a.school_id]
    conditions = []
    if direct:
        conditions.append(School.id.in_(direct))
    if any(a.region_id for a in assignments):
        conditions.append(School.region_id.in_(region_ids(actor, capability)))
    return select(School.id).where(or_(*conditions) if conditions else false())


def may(actor: User, capability: Capability, school_id: int) -> bool:
    return db.session.scalar(school_ids(actor, capability).where(School.id == school_id).limit(1)) is not None


def may_region(actor: User, capability: Capability, region_id: int) -> bool:
    return db.session.scalar(region_ids(actor, capability).where(Region.id == region_id).limit(1)) is not None


def require_school(actor: User, school_id: int, capability: Capability = Capability.view) -> School:
    """Load a school through the actor's scope: invisible → 404, visible but not allowed → 403."""
    school = db.session.scalar(select(School).where(School.id == school_id,
                                                    School.id.in_(school_ids(actor, Capability.view))))
    if school is None:
        raise NotFound()
    if capability != Capability.view and not may(actor, capability, school_id):
        raise Forbidden()
    return school


def require_in_scope(actor: User, school_id: int, capability: Capability) -> None:
    """For an object already loaded through a visible query: 403 when the actor may only look."""
    if not may(actor, capability, school_id):
        raise Forbidden()


def people_at_schools(role: Role, level=None, through_regions: bool = True) -> Select:
    """(user_id, school_id) for every active user holding `role` at a school, directly or through a region above
    it (`level` narrows region roles to offices of that level, e.g. district). For set-based notifications."""
    direct = select(RoleAssignment.user_id, RoleAssignment.school_id.label("school_id")) \
        .join(User, User.id == RoleAssignment.user_id) \
        .where(RoleAssignment.role == role, RoleAssignment.school_id.is_not(None), User.active.is_(True))
    office_region, school_region = db.aliased(Region), db.aliased(Region)
    through_region = select(RoleAssignment.user_id, School.id.label("school_id")) \
        .join(User, User.id == RoleAssignment.user_id) \
        .join(office_region, office_region.id == RoleAssignment.region_id) \
        .join(school_region, school_region.path.startswith(office_region.path)) \
        .join(School, School.region_id == school_region.id) \
        .where(RoleAssignment.role == role, User.active.is_(True))
    if level is not None:
        through_region = through_region.where(office_region.level == level)
    return direct.union_all(through_region) if through_regions else direct


# --- class teachers (班主任): scoped to classes, not schools -------------------------------------------------
# A class teacher holds `teach` at the school of each class they teach and nothing else there: every
# school-wide read (`school_ids(actor, view)`) stays empty for them. Class-level work (a class's campaign
# tasks, its parent letter, its roster) goes through `class_ids`: the classes they teach, and every class of
# a school where the actor holds a school-level assignment with `manage` (its principal). Offices manage
# schools from a region and are left out on purpose: rosters carry children's names, which stay in the school.

def class_ids(actor: User) -> Select:
    """A sub-select of the ids of the classes whose class-level work the actor may do."""
    taught = [a.class_id for a in actor.roles if a.role == Role.class_teacher]
    school_level = [a.school_id for a in actor.roles
                    if a.school_id and a.class_id is None and Capability.manage in ROLE_CAPABILITIES[a.role]]
    conditions = []
    if taught:
        conditions.append(SchoolClass.id.in_(taught))
    if school_level:
        conditions.append(SchoolClass.school_id.in_(school_level))
    return select(SchoolClass.id).where(or_(*conditions) if conditions else false())


def care_class_ids(actor: User) -> Select:
    """Classes whose key students (重点学生) the actor keeps: `class_ids` plus every class of a school where the
    actor is its safety officer (an inspector assigned to the school). Offices are left out: names stay in the
    school, offices read counts."""
    safety_officer = [a.school_id for a in actor.roles if a.role == Role.inspector and a.school_id]
    if not safety_officer:
        return class_ids(actor)
    return select(SchoolClass.id).where(or_(SchoolClass.id.in_(class_ids(actor)),
                                            SchoolClass.school_id.in_(safety_officer)))


def teaches(actor: User, class_id: int | None) -> bool:
    """Whether the class is one of the actor's own as its class teacher."""
    return class_id is not None and any(a.role == Role.class_teacher and a.class_id == class_id for a in actor.roles)


def require_class(actor: User, class_id: int) -> SchoolClass:
    """Load a class through `class_ids`: anyone else's class is 404."""
    found = db.session.scalar(select(SchoolClass).where(SchoolClass.id == class_id,
                                                        SchoolClass.id.in_(class_ids(actor))))
    if found is None:
        raise NotFound()
    return found
