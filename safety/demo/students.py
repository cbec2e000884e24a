"""The demo city's key students (重点学生) and home visits (家访): a few per class in the primary and secondary
schools, added by the school in spring, visited before the 2026 summer holiday (most on time, a few overdue).
Names are made up from common surnames and given-name characters."""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select

from ..accounts.models import User
from ..campaigns.periods import day_start
from ..core.clock import frozen, now
from ..extensions import db
from ..schools.models import School, SchoolClass, SchoolType
from ..students import services
from ..students.jobs import home_visit_tasks
from ..students.models import HomeVisitTask, KeyStudent, VisitForm, VisitStatus
from .campaigns import GIVEN, SURNAMES

ADDED_ON = date(2026, 3, 12)
VISITS_FROM, VISITS_TO = date(2026, 6, 14), date(2026, 7, 2)   # the 2026 summer holiday begins on 4 July
REASONS = [(["left_behind", "near_water"], "父母在外务工，随祖父母生活，家距河道约 300 米"),
           (["in_difficulty"], "父亲重病，家庭经济困难"),
           (["left_behind"], "父母均在外省务工，由外婆照看"),
           (["near_water"], "家住水库下游村组，放学途经鱼塘"),
           (["single_guardian", "left_behind"], "单亲家庭，母亲外出务工，由爷爷监护")]
FINDINGS = [("监护人在家，已讲解“六不”“四知道”，签订暑期安全承诺书", "暑假每两周电话回访一次"),
            ("祖父母年纪较大，看护力量不足，已与村委会儿童主任对接", "开学前再次入户"),
            ("家长外出，与孩子及监护人视频通话，确认暑期去向安排", "班级群每周提醒")]


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def build_demo_students(progress: Callable[[str], None] = lambda _m: None) -> None:
    rng = random.Random(20260612)
    schools = db.session.scalars(select(School).where(School.type != SchoolType.kindergarten)
                                 .order_by(School.code)).all()
    for school in schools:
        principal = _user(f"principal.{school.code.lower()}")
        classes = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == school.id)
                                     .order_by(SchoolClass.grade, SchoolClass.name)).all()
        with frozen(day_start(ADDED_ON) + timedelta(hours=8)):
            for school_class in classes[::3]:
                for _n in range(rng.randint(1, 2)):
                    flags, notes = rng.choice(REASONS)
                    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
                    services.add_student(principal, school_class.id, {"name": name, "flags": flags, "notes": notes})
    with frozen(at := day_start(VISITS_FROM) + timedelta(hours=1)):
        home_visit_tasks(at)
    tasks = db.session.scalars(select(HomeVisitTask).order_by(HomeVisitTask.id)).all()
    for index, task in enumerate(tasks):
        if index % 8 == 5:
            continue  # not visited: overdue on the principal's board
        student = db.session.get(KeyStudent, task.key_student_id)
        officer = _user(f"officer.{student.school_class.school.code.lower()}")
        visited = VISITS_FROM + timedelta(days=rng.randint(0, (VISITS_TO - VISITS_FROM).days))
        notes, follow_up = FINDINGS[index % len(FINDINGS)]
        with frozen(day_start(visited) + timedelta(hours=10)):
            services.record_visit(officer, student, {
                "visited_on": visited, "form": [VisitForm.home, VisitForm.home, VisitForm.phone,
                                                VisitForm.video][index % 4],
                "visitor": f"{rng.choice(SURNAMES)}老师（班主任）", "notes": notes, "follow_up": follow_up})
    moment = now()
    with frozen(moment):
        home_visit_tasks(moment)
    counts = dict(db.session.execute(select(HomeVisitTask.status, func.count()).group_by(HomeVisitTask.status)).all())
    progress(f"key students: {len(tasks)} in {len(schools)} schools; home visits before the summer: "
             f"{counts.get(VisitStatus.done, 0)} done, {counts.get(VisitStatus.overdue, 0)} overdue")
