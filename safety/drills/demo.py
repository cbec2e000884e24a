"""The demo city's drills: a school calendar, a term and a half of history, most drills reported, some missed."""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select, update

from ..accounts.models import Role, RoleAssignment, User
from ..checklists.models import Category, Grade
from ..core.clock import frozen, now
from ..demo.activity import scene_photo
from ..extensions import db
from ..photos.services import upload
from ..schools.models import Region, School
from . import services
from .jobs import assign_drills, drill_reminders_and_overdue
from .models import CalendarKind, Drill, DrillStatus
from .rules import current_rules, day_start

CITY_CODE = "LJ"
CALENDAR = [  # kind, zh, en, first day, last day
    (CalendarKind.term, "2026年春季学期", "Spring term 2026", date(2026, 3, 2), date(2026, 7, 3)),
    (CalendarKind.holiday, "2026年暑假", "Summer holiday 2026", date(2026, 7, 4), date(2026, 8, 31)),
    (CalendarKind.term, "2026年秋季学期", "Autumn term 2026", date(2026, 9, 1), date(2027, 1, 20)),
    (CalendarKind.holiday, "2026年国庆假期", "National Day holiday 2026", date(2026, 10, 1), date(2026, 10, 7)),
    (CalendarKind.holiday, "2027年寒假", "Winter holiday 2027", date(2027, 1, 21), date(2027, 2, 22)),
    (CalendarKind.term, "2027年春季学期", "Spring term 2027", date(2027, 2, 23), date(2027, 7, 5)),
    (CalendarKind.holiday, "2027年暑假", "Summer holiday 2027", date(2027, 7, 6), date(2027, 8, 31)),
]
# The demo schools count as registered before the calendar's first term, so that term's drills are owed.
REGISTERED_ON = date(2026, 2, 1)
PROBLEMS = [
    ("疏散楼梯转角应急照明灯不亮", "演练中发现二楼楼梯转角应急照明灯不亮，疏散时光线不足", Category.evacuation_route),
    ("安全出口指示牌被遮挡", "东侧安全出口指示牌被宣传展板遮挡，学生一度走错方向", Category.evacuation_route),
    ("应急广播音量不足", "操场西侧听不清应急广播，部分班级撤离滞后", Category.other),
]


def _reporter(school_id: int) -> User:
    """The school's safety officer, else its principal."""
    for role in (Role.inspector, Role.principal):
        user = db.session.scalar(select(User).join(RoleAssignment).where(
            RoleAssignment.role == role, RoleAssignment.school_id == school_id).order_by(User.id))
        if user is not None:
            return user
    raise LookupError(f"no one to report drills at school {school_id}")


def _report(rng: random.Random, drill: Drill, index: int, moment) -> None:
    end = min(drill.window_end, moment)
    late = index % 13 == 6 and drill.window_end + timedelta(days=4) < moment
    if late:  # held a few days after the window closed: counts as late, not on time
        conducted = drill.window_end + timedelta(days=rng.randint(1, 3), hours=2)
    else:
        span = max(1, int((end - drill.window_start).total_seconds() // 3600) - 10)
        conducted = drill.window_start + timedelta(hours=rng.randint(1, span))
    reporter = _reporter(drill.school_id)
    reported = min(conducted + timedelta(hours=rng.randint(1, 20)), moment - timedelta(minutes=5))
    with frozen(reported):
        photo, _created = upload(reporter, scene_photo(rng, f"drill {drill.period_key} {drill.kind.value}"))
        slow = index % 7 == 2
        problems = []
        if index % 11 == 3:
            title, description, category = PROBLEMS[index % len(PROBLEMS)]
            problems.append({"title": title, "description": description, "grade": Grade.general,
                             "category": category})
        participants = max(20, drill.school.enrolment - rng.randint(0, drill.school.enrolment // 10 + 1))
        services.report(reporter, drill, {
            "conducted_at": conducted, "participants": participants,
            "evacuation_seconds": rng.randint(125, 190) if slow else rng.randint(70, 115),
            "notes": "部分班级下楼拥堵，已安排分时段疏散" if slow else "全体师生按预定路线有序撤离，演练后进行了讲评",
            "photo_ids": [photo.sha256], "problems": problems})


def build_demo_drills(progress: Callable[[str], None] = lambda _m: None) -> None:
    """The calendar on the city, drills assigned up to now, most past ones reported, the rest marked overdue."""
    city = db.session.scalar(select(Region).where(Region.code == CITY_CODE))
    for kind, name_zh, name_en, first, last in CALENDAR:
        services.create_period(None, city, {"kind": kind, "name_zh": name_zh, "name_en": name_en,
                                            "starts_on": first, "ends_on": last})
    rules = current_rules()
    below_city = select(Region.id).where(Region.path.startswith(city.path, autoescape=True))
    db.session.execute(update(School).where(School.region_id.in_(below_city))
                       .values(created_at=day_start(rules, REGISTERED_ON)).execution_options(synchronize_session=False))
    db.session.expire_all()
    moment = now()
    with frozen(moment):
        created = assign_drills(moment)
    rng = random.Random(20261124)
    drills = db.session.scalars(select(Drill).where(Drill.window_start <= moment).order_by(Drill.window_start,
                                                                                           Drill.id)).all()
    reported = 0
    for index, drill in enumerate(drills):
        still_open = drill.window_end > moment
        just_opened = moment - drill.window_start < timedelta(days=1)
        if (still_open and (index % 3 != 0 or just_opened)) or (not still_open and index % 9 == 4):
            continue  # not held yet / missed: left to the reminder and overdue job
        _report(rng, drill, index, moment)
        reported += 1
    with frozen(moment):
        drill_reminders_and_overdue(moment)
    overdue = db.session.scalar(select(func.count(Drill.id)).where(Drill.status == DrillStatus.overdue))
    progress(f"drills: calendar with {len(CALENDAR)} periods; {created} drills assigned, {reported} reported "
             f"(with photos), {overdue} overdue")
