"""The demo city's campaigns: an anti-drowning season in progress and an anti-bullying term.

The season is made to be in progress whatever the date: when today is outside the shipped April–September season,
the city gets its own anti-drowning definition (the office's right) running from six weeks ago to three months
ahead. Everything is reported through the same services as the API, with the clock set back to when it happened;
one school (西山区红星小学) reports nothing and ends up lagging, in its district office's queue.
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..campaigns.activities import services
from ..campaigns.incidents import committee, log
from ..campaigns.letters import receipts
from ..campaigns.models import (
    Campaign,
    CampaignDefinition,
    CampaignLag,
    CampaignTask,
    ClassLetter,
    CommitteeRole,
    CommitteeSeat,
    Determination,
    IncidentStatus,
    LagStatus,
)
from ..campaigns.periods import (
    anchors,
    day_start,
    local_day,
    nearest_calendar_region,
    periods_around,
    schools_following,
    season_around,
)
from ..campaigns.runs.definitions import build_definition, sync_default_definitions
from ..campaigns.runs.jobs import campaign_calendar, campaign_lagging, campaign_reminders
from ..checklists.models import Category
from ..core.clock import frozen, now
from ..drills.models import CalendarKind
from ..drills.services import create_period
from ..extensions import db
from ..photos.models import Photo
from ..photos.services import open_copy, upload
from ..points.models import Point
from ..schools.models import Region, RegionLevel, School, SchoolClass
from .activity import _answer, scene_photo
from .waters import build_water_ledger

SILENT = "XS-HX-XX"  # reports nothing: the lagging school
MINUTES = "1. 通报上学期欺凌防治工作情况；2. 明确本学期排查、教育、处置分工；3. 部署全体学生问卷调查。"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "子涵欣怡梓轩浩然雨桐宇轩诗涵一诺俊杰思远佳怡文博嘉怡明轩"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _local_moment(day: date, hour: int) -> datetime:
    return day_start(day) + timedelta(hours=hour)


def _ensure_calendar(city: Region, today: date, progress: Callable[[str], None]) -> None:
    """The demo city's school year around today, unless the drills demo gave it a calendar already."""
    if nearest_calendar_region(city) is not None:
        return
    year = today.year if today.month >= 8 else today.year - 1
    for kind, name, starts, ends in [
            (CalendarKind.term, f"{year}—{year + 1}学年第一学期", date(year, 9, 1), date(year + 1, 1, 20)),
            (CalendarKind.holiday, "国庆节", date(year, 10, 1), date(year, 10, 7)),
            (CalendarKind.holiday, "寒假", date(year + 1, 1, 21), date(year + 1, 2, 22)),
            (CalendarKind.term, f"{year}—{year + 1}学年第二学期", date(year + 1, 2, 23), date(year + 1, 7, 5)),
            (CalendarKind.holiday, "劳动节", date(year + 1, 5, 1), date(year + 1, 5, 5)),
            (CalendarKind.holiday, "暑假", date(year + 1, 7, 6), date(year + 1, 8, 31))]:
        create_period(None, city, {"kind": kind, "name_zh": name, "name_en": "", "starts_on": starts,
                                   "ends_on": ends})
    progress(f"calendar: the {year}—{year + 1} school year for {city.name_zh}")


def _season_in_progress(city: Region, today: date) -> None:
    """The shipped season if it is running; otherwise the city's own, from six weeks ago to three months on."""
    shipped = db.session.scalar(select(CampaignDefinition).where(CampaignDefinition.code == "anti_drowning",
                                                                 CampaignDefinition.region_id.is_(None)))
    running = season_around(shipped, today)
    if running is not None and (today - running.starts_on).days >= 21:
        return
    start, end = today - timedelta(days=42), today + timedelta(days=100)
    data = {field: getattr(shipped, field) for field in ("code", "name_zh", "name_en", "description_zh",
                                                        "description_en", "cadence", "lag_margin", "reminder_days",
                                                        "late_report_days")}
    data.update(season_start=start.strftime("%m-%d"), season_end=end.strftime("%m-%d"),
                description_zh=data["description_zh"] + "（演示：本市防溺水季节调整为当前时段。）",
                requirements=[{f: getattr(r, f) for f in ("key", "kind", "unit", "name_zh", "name_en",
                                                          "description_zh", "description_en", "due_days",
                                                          "season_frequency", "holiday_frequency")}
                              for r in shipped.requirements])
    db.session.add(build_definition(data, city.id, None, is_default=False))
    db.session.flush()


def _campaigns(code: str) -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).join(CampaignDefinition)
                                   .where(CampaignDefinition.code == code, Campaign.status == "open")))


def _photo(rng: random.Random, actor: User, caption: str) -> Photo:
    return upload(actor, scene_photo(rng, caption))[0]


def _report(actor: User, campaign: Campaign, held_on: date, delay_hours: int, **data) -> None:
    moment = min(_local_moment(held_on, 16) + timedelta(hours=delay_hours), now())
    with frozen(moment):
        services.report_activity(actor, campaign, {"held_on": held_on, **data})


def _child(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def _drowning(rng: random.Random, campaign: Campaign, today: date) -> dict[str, int]:
    tally = {"lessons": 0, "letters": 0, "receipts": 0, "reminders": 0}
    schools = db.session.scalars(select(School).where(School.code != SILENT).order_by(School.code)).all()
    shared_photo = None
    for index, school in enumerate(schools):
        officer, principal = _user(f"officer.{school.code.lower()}"), _user(f"principal.{school.code.lower()}")
        classes = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == school.id)
                                     .order_by(SchoolClass.grade, SchoolClass.name)).all()
        keen = rng.random() if index % 4 else 1.0  # some schools are thorough, others patchy
        for school_class in classes:
            letter_day = campaign.starts_on + timedelta(days=rng.randint(1, 10))
            if letter_day <= today:
                _report(principal, campaign, letter_day, 3, school_id=school.id, activity="parent_letter",
                        class_id=school_class.id, counts={"letters": school_class.student_count})
                tally["letters"] += 1
            lesson_day = campaign.starts_on + timedelta(days=rng.randint(3, 28))
            if lesson_day <= today and rng.random() < 0.6 + 0.4 * keen:
                if index == 1 and shared_photo is not None:  # the first school's photo sent again: flagged
                    with open_copy(shared_photo, "original") as original:
                        upload(officer, original.read())  # its bytes, not just its hash, make it usable here
                    photo, shared_photo = shared_photo.sha256, None
                else:
                    uploaded = _photo(rng, officer, f"{school.name_zh} {school_class.name} 防溺水班会")
                    shared_photo = uploaded if index == 0 and shared_photo is None else shared_photo
                    photo = uploaded.id
                delay = 24 * 12 if rng.random() < 0.03 else rng.randint(1, 30)  # now and then, long after
                present = school_class.student_count - rng.randint(0, 2)
                _report(officer, campaign, lesson_day, delay, school_id=school.id, activity="lesson",
                        class_id=school_class.id, counts={"participants": present}, photo_ids=[photo])
                tally["lessons"] += 1
        for task in db.session.scalars(select(CampaignTask).where(
                CampaignTask.campaign_id == campaign.id, CampaignTask.school_id == school.id,
                CampaignTask.holiday_id.is_not(None), CampaignTask.due_at <= now())):
            held_on = local_day(task.due_at) - timedelta(days=1)
            _report(officer, campaign, held_on, 2, school_id=school.id, activity="holiday_reminder",
                    holiday_id=task.holiday_id, counts={"participants": school.enrolment},
                    photo_ids=[_photo(rng, officer, f"{school.name_zh} 假期前安全提醒").id])
            tally["reminders"] += 1
    tally["receipts"] = _receipts(rng, campaign)
    return tally


def _receipts(rng: random.Random, campaign: Campaign) -> int:
    """Parents' online receipts (bulk: thousands of children) and paper slips for some classes."""
    rows = []
    letters = db.session.scalars(select(ClassLetter).join(School).where(ClassLetter.campaign_id == campaign.id,
                                                                        School.code != SILENT)).all()
    for letter in letters:
        students = letter.school_class.student_count
        online = int(students * rng.uniform(0.45, 0.9))
        children = {_child(rng) for _ in range(online)}
        start = day_start(campaign.starts_on) + timedelta(days=2)
        for child in children:
            received = min(start + timedelta(minutes=rng.randint(0, 60 * 24 * 20)), now())
            rows.append({"letter_id": letter.id, "child": child,
                         "signer": child[0] + rng.choice("父母") + rng.choice(["亲", "", ""]), "received_at": received})
        if rng.random() < 0.5:
            teacher = _user(f"officer.{letter.school.code.lower()}")
            receipts.set_paper_receipts(teacher, letter, min(students - len(children),
                                                             int(students * rng.uniform(0.05, 0.4))))
    return receipts.load_receipts(rows)


def _bullying(rng: random.Random, campaign: Campaign, today: date) -> dict[str, int]:
    tally = {"committees": 0, "meetings": 0, "lessons": 0, "surveys": 0, "trainings": 0, "incidents": 0}
    taking_part = select(School).where(School.id.in_(schools_following(campaign.definition, campaign.region)))
    for index, school in enumerate(db.session.scalars(taking_part.order_by(School.code)).all()):
        principal, officer = _user(f"principal.{school.code.lower()}"), _user(f"officer.{school.code.lower()}")
        if school.code == SILENT or index == 4:
            continue  # no committee on record yet
        with frozen(_local_moment(campaign.starts_on + timedelta(days=2), 10)):
            for name, role, seat, position in [
                    (principal.display_name.removesuffix("校长") + "校长", CommitteeRole.chair, "staff", "校长"),
                    ("周" + rng.choice(GIVEN), CommitteeRole.deputy, "staff", "分管副校长"),
                    ("吴" + rng.choice(GIVEN), CommitteeRole.member, "staff", "德育主任"),
                    ("郑" + rng.choice(GIVEN), CommitteeRole.member, "legal_vice_principal", "法治副校长"),
                    (_child(rng), CommitteeRole.member, "parent", "家长代表")]:
                committee.add_member(principal, school, {"name": name, "role": role, "seat": CommitteeSeat(seat),
                                                         "position": position})
        tally["committees"] += 1
        meeting_day = campaign.starts_on + timedelta(days=rng.randint(5, 25))
        if meeting_day <= today:
            _report(principal, campaign, meeting_day, 20, school_id=school.id, activity="committee_meeting",
                    minutes=MINUTES,
                    photo_ids=[_photo(rng, principal, f"{school.name_zh} 防欺凌委员会会议").id])
            tally["meetings"] += 1
        for school_class in db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == school.id)
                                               .order_by(SchoolClass.id)):
            lesson_day = campaign.starts_on + timedelta(days=rng.randint(7, 70))
            if lesson_day <= today and rng.random() < (0.5 if index == 9 else 0.92):
                _report(officer, campaign, lesson_day, 6, school_id=school.id, activity="lesson",
                        class_id=school_class.id, counts={"participants": school_class.student_count},
                        photo_ids=[_photo(rng, officer, f"{school.name_zh} {school_class.name} 防欺凌班会").id])
                tally["lessons"] += 1
        survey_day = campaign.starts_on + timedelta(days=rng.randint(20, 60))
        if survey_day <= today and index % 2 == 0:
            _report(officer, campaign, survey_day, 30, school_id=school.id, activity="survey",
                    counts={"surveyed": int(school.enrolment * rng.uniform(0.85, 1)), "enrolled": school.enrolment})
            tally["surveys"] += 1
        tally["trainings"] += _trainings(random.Random(f"training {school.code}"), campaign, school, officer, today)
    tally["incidents"] = _incidents(campaign, today)
    return tally


def _trainings(rng: random.Random, campaign: Campaign, school: School, officer: User, today: date) -> int:
    """Staff trained early in the term at most schools, parents at their meeting later (some not yet)."""
    held = 0
    for activity, offset, people, trainer in [
            ("staff_training", rng.randint(10, 40), max(20, school.enrolment // 14), "区教育局法治副校长"),
            ("parent_training", rng.randint(45, 80), max(30, school.enrolment // 3), "心理健康教师")]:
        day = campaign.starts_on + timedelta(days=offset)
        if day <= today and rng.random() < 0.8:
            _report(officer, campaign, day, 8, school_id=school.id, activity=activity, trainer=trainer,
                    counts={"participants": people, "hours": rng.choice((1, 2))},
                    photo_ids=[_photo(rng, officer, f"{school.name_zh} {activity}").id])
            held += 1
    return held


def _incidents(campaign: Campaign, today: date) -> int:
    cases = [("QH-ZX-XX", 20, "四年级两名男生多次在放学路上向同班同学索要零花钱并推搡", IncidentStatus.handled,
              "已约谈双方学生及家长，涉事学生书面检讨，心理老师跟进受害学生辅导，班主任每日关注。"),
             ("DH-JY-9", 3, "初一某班学生在班级群里发布侮辱同学的图片，多人跟帖", IncidentStatus.investigating, "")]
    logged = 0
    for code, days_ago, summary, status, handling in cases:
        school = db.session.scalar(select(School).where(School.code == code))
        principal = _user(f"principal.{code.lower()}")
        occurred = max(today - timedelta(days=days_ago), campaign.starts_on)
        with frozen(_local_moment(occurred, 17)):
            incident = log.report_incident(principal, campaign, {"school_id": school.id, "occurred_on": occurred,
                                                                      "summary": summary, "students_involved": 3})
        with frozen(_local_moment(occurred + timedelta(days=1), 9)):
            log.change_status(principal, incident, IncidentStatus.investigating, {"note": "已启动调查认定"})
        if status == IncidentStatus.handled:
            with frozen(_local_moment(occurred + timedelta(days=4), 15)):
                log.change_status(principal, incident, IncidentStatus.determined,
                                  {"note": "委员会认定为欺凌", "determination": Determination.confirmed})
            with frozen(_local_moment(occurred + timedelta(days=12), 15)):
                log.change_status(principal, incident, IncidentStatus.handled, {
                    "note": "已处置", "handling": handling, "measures": ["criticism", "psychological_support"]})
        logged += 1
    return logged


def _patrols(rng: random.Random) -> int:
    """The season's patrols: each water body (but the silent school's) inspected in the last few days, in the
    afternoon or evening as the patrol window asks; every fifth in the morning (counted apart, outside the window)."""
    from ..inspections.services import submit
    points = db.session.scalars(select(Point).join(School).where(Point.category == Category.water_body,
                                                                 School.code != SILENT).order_by(Point.id)).all()
    for n, point in enumerate(points):
        officer = _user(f"officer.{point.school.code.lower()}")
        hour = 10 if n % 5 == 4 else rng.randint(14, 19)
        at = day_start(local_day(now()) - timedelta(days=rng.randint(1, 4))) + timedelta(hours=hour,
                                                                                        minutes=rng.randint(0, 50))
        version = point.template.current_version
        with frozen(at):
            submit(officer, {"client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
                             "started_at": at - timedelta(minutes=9), "submitted_at": at,
                             "results": [_answer(rng, item, officer, False) for item in version.items]})
    return len(points)


def _water_ledger(rng: random.Random) -> int:
    return build_water_ledger(rng, lambda school: _user(f"principal.{school.code.lower()}"))


def build_demo_campaigns(progress: Callable[[str], None] = lambda _m: None) -> None:
    """An anti-drowning season in progress (letters, receipts, lessons, patrols, one lagging school) and an
    anti-bullying term (committees, meetings, lessons, surveys, two incidents), on top of the demo city."""
    rng = random.Random(20270401)
    moment = now()
    today = local_day(moment)
    city = db.session.scalar(select(Region).where(Region.level == RegionLevel.city).order_by(Region.id))
    sync_default_definitions()
    _ensure_calendar(city, today, progress)
    _season_in_progress(city, today)
    # Open what was due on each day something opened, as the scheduler would have, then bring it to now.
    starts = set()
    for definition in db.session.scalars(select(CampaignDefinition).where(CampaignDefinition.active.is_(True))):
        for anchor in anchors(definition):
            starts.update(p.starts_on for p in periods_around(definition, anchor, today))
    for start in sorted(starts):
        with frozen(at := day_start(start) + timedelta(minutes=30)):
            campaign_calendar(at)
    with frozen(moment):
        campaign_calendar(moment)
    for campaign in _campaigns("anti_drowning"):
        tally = _drowning(rng, campaign, today)
        progress(f"anti-drowning: {campaign.name_zh}, " + ", ".join(f"{k} {v}" for k, v in tally.items()))
    for campaign in _campaigns("anti_bullying"):
        tally = _bullying(rng, campaign, today)
        progress(f"anti-bullying: {campaign.name_zh}, " + ", ".join(f"{k} {v}" for k, v in tally.items()))
    progress(f"dangerous-waters ledger: {_water_ledger(rng)} water bodies; {_patrols(rng)} patrolled this week")
    with frozen(moment):
        campaign_reminders(moment)
        campaign_lagging(moment)
    lagging = db.session.execute(select(Campaign.name_zh, School.name_zh).join(CampaignLag.campaign)
                                 .join(CampaignLag.school).where(CampaignLag.status == LagStatus.lagging)
                                 .order_by(Campaign.id, School.code)).all()
    progress("lagging (in the offices' queues): " + ("; ".join(f"{c} — {s}" for c, s in lagging) or "none"))
