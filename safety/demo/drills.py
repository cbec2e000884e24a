"""The demo city's drills: a school calendar, a term and a half of history, most drills reported (on school days, in
school hours; boarding schools' night drills at night in the dormitory), some missed."""
from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from ..accounts.models import Role, RoleAssignment, User
from ..checklists.models import Category, Grade
from ..core.clock import frozen, now
from ..drills import services
from ..drills.jobs import assign_drills, drill_reminders_and_overdue
from ..drills.models import CalendarKind, Drill, DrillMode, DrillPlace, DrillStatus, DrillTime, ImprovementAction
from ..drills.rules import NIGHT, Period, SchoolCalendar, current_rules, day_start, local_day
from ..extensions import db
from ..labels.fonts import find_cjk_font, load_font
from ..photos.services import upload
from ..schools.models import Region, School, SchoolType
from ..schools.services import backdate_schools, update_school
from .activity import scene_photo

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
TASKS = ["下次演练前组织各班主任重新熟悉疏散路线", "补充宿舍楼层疏散示意图", "演练后清点人数的报告流程再培训"]
SCENARIOS = {  # kind → scenario (情景设定)
    "fire": "教学楼二楼化学实验室起火，烟雾蔓延至走廊", "earthquake": "上课期间发生有感地震，地震预警终端发出警报",
    "intruder": "一名持械可疑人员试图闯入校门", "stampede": "课间操集合时楼梯口人员拥挤",
    "bus_evacuation": "校车行驶途中发动机舱冒烟，需紧急疏散", "air_raid": "防空警报试鸣，师生就近疏散至地下掩蔽场所",
    "flood": "暴雨导致校园低洼处积水", "typhoon": "台风预警升级，需转移至安全楼层",
}
NIGHT_SCENARIO = "夜间学生宿舍三楼配电箱短路起火，宿管老师发现后启动应急预案"
DAY_SLOTS = [(time(9, 40), DrillTime.break_time), (time(10, 20), DrillTime.class_time),
             (time(14, 50), DrillTime.class_time), (time(12, 10), DrillTime.meal)]


def _reporter(school_id: int) -> User:
    """The school's safety officer, else its principal."""
    for role in (Role.inspector, Role.principal):
        user = db.session.scalar(select(User).join(RoleAssignment).where(
            RoleAssignment.role == role, RoleAssignment.school_id == school_id).order_by(User.id))
        if user is not None:
            return user
    raise LookupError(f"no one to report drills at school {school_id}")


def _held_at(rng: random.Random, school_calendar: SchoolCalendar, first: date, last: date, night: bool):
    """A weekday of term time in [first, last] at a school-hour slot (a night one for night drills), or None."""
    rules = current_rules()
    days = [first + timedelta(n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5 and school_calendar.is_school_day(d)]
    if not days:
        return None
    slot, when = (time(20, 40 + rng.randint(0, 15)), DrillTime.night) if night else rng.choice(DAY_SLOTS)
    return datetime.combine(rng.choice(days), slot, tzinfo=rules.timezone), when


def _reported_at(rng: random.Random, conducted: datetime, night: bool) -> datetime:
    """When the safety officer files it: the same afternoon for a day drill, the next morning for a night one."""
    if night:
        return datetime.combine(conducted.date() + timedelta(days=1), time(8, rng.randint(10, 50)),
                                tzinfo=conducted.tzinfo)
    return min(conducted + timedelta(minutes=rng.randint(40, 150)),
               datetime.combine(conducted.date(), time(17, 30), tzinfo=conducted.tzinfo))


def plan_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page plan (方案) as a school would scan it: Pillow renders the text with the CJK font."""
    font_path = find_cjk_font(current_app.config.get("CJK_FONT_PATH"), bold=False)
    page = Image.new("1", (1240, 1754), 1)
    draw = ImageDraw.Draw(page)
    draw.text((120, 120), title, font=load_font(font_path, 48), fill=0)
    for n, line in enumerate(lines):
        draw.text((120, 240 + 60 * n), line, font=load_font(font_path, 32), fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150, title=title)
    return out.getvalue()


def _report(rng: random.Random, school_calendar: SchoolCalendar, drill: Drill, index: int, moment) -> bool:
    rules = current_rules()
    night = drill.requirement == NIGHT
    first, last = local_day(rules, drill.window_start), local_day(rules, drill.window_end - timedelta(seconds=1))
    late = index % 13 == 6 and drill.window_end + timedelta(days=10) < moment
    if late:  # held a few days after the window closed: counts as late, not on time
        first, last = last + timedelta(days=1), last + timedelta(days=8)
    today = local_day(rules, moment)
    # Held by the day before yesterday at the latest: reported in office hours, before the demo's "now".
    held = _held_at(rng, school_calendar, first, min(last, today - timedelta(days=2)), night)
    if held is None:
        return False
    conducted, when = held
    reporter, school = _reporter(drill.school_id), drill.school
    reported = _reported_at(rng, conducted, night)
    with frozen(reported - timedelta(minutes=30)):
        if index % 5 != 4:  # most schools file their plan; a few forget (flagged no_plan)
            title = f"{school.name_zh}{'宿舍夜间' if night else ''}应急疏散演练方案"
            services.attach_plan(reporter, drill, "演练方案.pdf", plan_pdf(title, [
                "一、演练目的：熟悉疏散路线，提高应急避险能力", "二、组织机构：总指挥 校长；副总指挥 分管副校长",
                "三、疏散路线：按楼层分东西两侧楼梯撤离至操场", "四、清点人数：各班主任清点后报总指挥"]))
    with frozen(reported):
        photo, _created = upload(reporter, scene_photo(rng, f"drill {drill.period_key} {drill.kind.value}"))
        slow = index % 7 == 2
        floors = 4 if night else min(school.max_building_floors, 4)
        evacuations = [{"building": "学生宿舍楼" if night else "教学楼", "floors": floors,
                        "seconds": rng.randint(125, 190) if slow else rng.randint(70, 115)}]
        if not night and school.max_building_floors > 4:
            evacuations.append({"building": "综合楼", "floors": school.max_building_floors,
                                "seconds": rng.randint(130, 200)})
        improvements = []
        if index % 11 == 3:
            title, description, category = PROBLEMS[index % len(PROBLEMS)]
            improvements.append({"text": title, "description": description, "action": ImprovementAction.hazard,
                                 "grade": Grade.general, "category": category})
        if index % 6 == 1:
            improvements.append({"text": TASKS[index % len(TASKS)], "action": ImprovementAction.task,
                                 "owner_id": reporter.id, "due_on": local_day(rules, reported) + timedelta(days=14),
                                 "grade": Grade.general})
        students = max(20, school.enrolment - rng.randint(0, school.enrolment // 10 + 1))
        kind = drill.kind.value
        services.report(reporter, drill, {
            "conducted_at": conducted, "scenario": NIGHT_SCENARIO if night else SCENARIOS[kind],
            "mode": DrillMode.surprise if index % 4 == 0 else DrillMode.announced,
            "time_of_day": when, "place": DrillPlace.dormitory if night else (
                DrillPlace.school_bus if kind == "bus_evacuation" else DrillPlace.teaching_building),
            "staff_count": max(3, students // 15), "student_count": students, "head_count_done": index % 17 != 5,
            "evacuations": evacuations, "injuries": 0, "injury_notes": "",
            "review": "部分班级下楼拥堵，已安排分时段疏散" if slow else "全体师生按预定路线有序撤离，总指挥现场点评",
            "phases": [p.key for p in rules.kinds[drill.kind].phases],
            "notes": "", "photo_ids": [photo.sha256], "improvements": improvements})
    return True


def build_demo_drills(progress: Callable[[str], None] = lambda _m: None) -> None:
    """The calendar on the city, drills assigned up to now, most past ones reported, the rest marked overdue."""
    city = db.session.scalar(select(Region).where(Region.code == CITY_CODE))
    for kind, name_zh, name_en, first, last in CALENDAR:
        services.create_period(None, city, {"kind": kind, "name_zh": name_zh, "name_en": name_en,
                                            "starts_on": first, "ends_on": last})
    school_calendar = SchoolCalendar(Period(kind, first, last) for kind, _zh, _en, first, last in CALENDAR)
    rules = current_rules()
    backdate_schools(city, day_start(rules, REGISTERED_ON))
    summer_kindergarten = db.session.scalar(select(School).where(School.type == SchoolType.kindergarten)
                                            .order_by(School.code))
    if summer_kindergarten is not None:  # one kindergarten stays open through the holidays
        update_school(None, summer_kindergarten, {"open_in_holidays": True})
    moment = now()
    with frozen(moment):
        created = assign_drills(moment)
    rng = random.Random(20261124)
    drills = db.session.scalars(select(Drill).where(Drill.window_start <= moment).order_by(Drill.window_start,
                                                                                           Drill.id)).all()
    reported = 0
    for index, drill in enumerate(drills):
        still_open, night = drill.window_end > moment, drill.requirement == NIGHT
        if not night and ((still_open and index % 3 != 0) or (not still_open and index % 9 == 4)):
            continue  # not held yet / missed: left to the reminder and overdue job (boarding schools show theirs)
        reported += _report(rng, school_calendar, drill, index, moment)
    with frozen(moment):
        drill_reminders_and_overdue(moment)
    overdue = db.session.scalar(select(func.count(Drill.id)).where(Drill.status == DrillStatus.overdue))
    progress(f"drills: calendar with {len(CALENDAR)} periods; {created} drills assigned, {reported} reported "
             f"(with plans and photos), {overdue} overdue")
