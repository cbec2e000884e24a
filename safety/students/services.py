"""Key students and home visits: the rules, scoped through `care_class_ids` (another class's student is 404).

Names and family circumstances never leave the school: audit rows (which offices read) carry ids and counts,
never a name, and offices get `school_counts` only.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from ..accounts.models import User
from ..accounts.scope import care_class_ids, require_school
from ..audit.services import record
from ..campaigns.periods import local_day
from ..core.clock import now
from ..errors import Invalid, NotFound
from ..extensions import db
from ..schools.models import SchoolClass
from .models import HomeVisit, HomeVisitTask, KeyStudent, VisitStatus
from .rules import current_rules

OWED = (VisitStatus.open, VisitStatus.overdue)


def _flags(flags: list[str], field: str = "flags") -> str:
    known = current_rules().flags
    if unknown := [f for f in flags if f not in known]:
        raise Invalid(fields={field: [_("Unknown reason: %(flags)s; one of: %(known)s.", flags=", ".join(unknown),
                                        known=", ".join(known))]})
    if not flags:
        raise Invalid(fields={field: [_("Give at least one reason.")]})
    return ",".join(dict.fromkeys(flags))


def _class(actor: User, class_id: int) -> SchoolClass:
    found = db.session.scalar(select(SchoolClass).where(SchoolClass.id == class_id,
                                                        SchoolClass.id.in_(care_class_ids(actor))))
    if found is None:
        raise NotFound()
    return found


def current_students(actor: User) -> Select:
    return select(KeyStudent).where(KeyStudent.class_id.in_(care_class_ids(actor)), KeyStudent.removed_at.is_(None))


def class_students(actor: User, class_id: int) -> tuple[SchoolClass, list[KeyStudent]]:
    """A class and its current key students (the class teacher's, the principal's, the safety officer's)."""
    school_class = _class(actor, class_id)
    students = db.session.scalars(current_students(actor).where(KeyStudent.class_id == school_class.id)
                                  .order_by(KeyStudent.name, KeyStudent.id)).all()
    return school_class, list(students)


def get_student(actor: User, student_id: int) -> KeyStudent:
    student = db.session.scalar(current_students(actor).where(KeyStudent.id == student_id))
    if student is None:
        raise NotFound()
    return student


def add_student(actor: User, class_id: int, data: dict) -> KeyStudent:
    school_class = _class(actor, class_id)
    student = KeyStudent(school_id=school_class.school_id, class_id=school_class.id, name=data["name"].strip(),
                         student_no=data.get("student_no", "").strip(), flags=_flags(data["flags"]),
                         notes=data.get("notes", ""), created_by_id=actor.id, created_at=now(), updated_at=now())
    db.session.add(student)
    db.session.flush()
    record("key_student.added", actor, object_type="key_student", object_id=student.id,
           school_id=student.school_id, class_id=student.class_id, flags=student.flag_list)
    return student


def update_student(actor: User, student: KeyStudent, changes: dict) -> KeyStudent:
    if "flags" in changes:
        changes = {**changes, "flags": _flags(changes["flags"])}
    for field, value in changes.items():
        setattr(student, field, value.strip() if field in ("name", "student_no") else value)
    student.updated_at = now()
    db.session.flush()
    record("key_student.updated", actor, object_type="key_student", object_id=student.id,
           school_id=student.school_id, fields=sorted(changes), flags=student.flag_list)
    return student


def remove_student(actor: User, student: KeyStudent, reason: str) -> None:
    """Off the list (moved away, no longer at risk): the row and its visits stay; visits still owed are missed."""
    student.removed_at = now()
    db.session.execute(update(HomeVisitTask).where(HomeVisitTask.key_student_id == student.id,
                                                   HomeVisitTask.status.in_(OWED))
                       .values(status=VisitStatus.missed).execution_options(synchronize_session=False))
    db.session.flush()
    record("key_student.removed", actor, object_type="key_student", object_id=student.id,
           school_id=student.school_id, reason=reason)


# --- home visits ----------------------------------------------------------------------------------------


def tasks_of(student_ids: list[int]) -> dict[int, list[HomeVisitTask]]:
    """Visit tasks still owed, per student, earliest due first."""
    found: dict[int, list[HomeVisitTask]] = {}
    if student_ids:
        for task in db.session.scalars(select(HomeVisitTask).where(
                HomeVisitTask.key_student_id.in_(student_ids), HomeVisitTask.status.in_(OWED))
                .order_by(HomeVisitTask.due_on, HomeVisitTask.id)):
            found.setdefault(task.key_student_id, []).append(task)
    return found


def visits_of(student: KeyStudent) -> list[HomeVisit]:
    return list(db.session.scalars(select(HomeVisit).where(HomeVisit.key_student_id == student.id)
                                   .order_by(HomeVisit.visited_on.desc(), HomeVisit.id.desc())))


def record_visit(actor: User, student: KeyStudent, data: dict) -> HomeVisit:
    """A visit as it happened; it fulfils the earliest visit task owed that had opened by the day of the visit."""
    if data["visited_on"] > local_day(now()):
        raise Invalid(fields={"visited_on": [_("A visit cannot be recorded before it took place.")]})
    task = db.session.scalar(select(HomeVisitTask).where(
        HomeVisitTask.key_student_id == student.id, HomeVisitTask.status.in_(OWED),
        HomeVisitTask.opens_on <= data["visited_on"]).order_by(HomeVisitTask.due_on).limit(1))
    visit = HomeVisit(key_student_id=student.id, school_id=student.school_id, task_id=task.id if task else None,
                      visited_on=data["visited_on"], form=data["form"], visitor=data["visitor"].strip(),
                      notes=data.get("notes", ""), follow_up=data.get("follow_up", ""), recorded_by_id=actor.id,
                      recorded_at=now())
    db.session.add(visit)
    if task is not None:
        task.status, task.done_at = VisitStatus.done, now()
    db.session.flush()
    record("key_student.visited", actor, object_type="key_student", object_id=student.id,
           school_id=student.school_id, visit_id=visit.id, form=visit.form.value,
           task_id=task.id if task else None)
    return visit


# --- what offices see -----------------------------------------------------------------------------------


def school_counts(actor: User, school_id: int) -> dict:
    """How many key students a school keeps, per reason, and how its visits stand: numbers only, for anyone who
    may see the school (its offices included)."""
    school = require_school(actor, school_id)
    flags = db.session.scalars(select(KeyStudent.flags).where(KeyStudent.school_id == school.id,
                                                              KeyStudent.removed_at.is_(None))).all()
    by_flag = {key: sum(key in f.split(",") for f in flags) for key in current_rules().flags}
    visits = dict(db.session.execute(select(HomeVisitTask.status, func.count()).where(
        HomeVisitTask.school_id == school.id).group_by(HomeVisitTask.status)).all())
    return {"school_id": school.id, "students": len(flags), "by_flag": by_flag,
            "visits": {status.value: visits.get(status, 0) for status in VisitStatus}}
