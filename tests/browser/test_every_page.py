"""Every page the pages blueprint serves, in one browser, at 360 px and on a desk: axe-core finds no serious or
critical problem, nothing sticks out sideways on the phone, the page names its language, and the zh-CN page
shows no English identifier or developer text.

The routes come from Flask's URL map (as tests/api/test_no_leaks.py does for the API): a GET page this test
cannot visit, and that is not listed as a file download, fails the test, so a new page is swept the day it is
added. Path parameters are filled from one seeded scene; each page is opened by the people who use it.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.core.clock import now
from safety.extensions import db
from tests.api.test_inspections import submission
from tests.browser.conftest import DESK, PHONE, accessibility_problems, log_in, open_drowning_season, released
from tests.factories import PASSWORD, answers, create_class, create_point, create_user, jpeg_bytes, upload_photo
from tests.factories import scene as picture

# Answers that are files (PDF, spreadsheets, images) or the app's plumbing, not pages a person reads.
NOT_PAGES = {
    "pages.class_letter_pdf", "pages.hazard_notice", "pages.inspection_record", "pages.notice_document",
    "pages.notice_reply", "pages.office_campaign_ledger", "pages.office_figures", "pages.office_ledger",
    "pages.office_returns_xlsx", "pages.photo", "pages.point_label_pdf", "pages.point_label",
    "pages.school_labels", "pages.school_ledger", "pages.school_letters_pdf", "pages.static", "pages.service_worker",
    "pages.waters_geojson", "pages.web_manifest",
}
# Who opens each page (None: nobody logged in). A page whose content differs by role is opened by each.
VISITORS = {
    "pages.start": [None],
    "pages.login": [None],
    "pages.offline": [None],
    "pages.public_report": [None],
    "pages.parent_receipt": [None],
    "pages.scan_landing": [None, "officer_a"],
    "pages.inspect_home": ["officer_a"],
    "pages.inspect_point": ["officer_a"],
    "pages.my_hazards": ["officer_a"],
    "pages.rounds_today": ["officer_a"],
    "pages.hazard_page": ["principal_a", "officer_a", "office_a"],
    "pages.school_board": ["principal_a"],
    "pages.school_points": ["principal_a"],
    "pages.school_staff": ["principal_a"],
    "pages.school_campaign": ["principal_a"],
    "pages.campaign_task_page": ["teacher_a", "principal_a"],  # a class's task: both land on the class's page
    "pages.school_committee": ["principal_a", "officer_a"],  # the principal changes it, the officer reads it
    "pages.school_incidents": ["principal_a", "office_a"],  # the restricted log: never the inspector
    "pages.incident_page": ["principal_a", "office_a"],  # an appeal is the district office's move
    "pages.waters_map": ["principal_a", "office_a"],
    "pages.water_body_page": ["principal_a"],
    "pages.point_manage": ["principal_a"],
    "pages.drill_page": ["principal_a"],
    "pages.calendar": ["principal_a", "office_a"],
    "pages.inbox": ["principal_a"],
    "pages.my_classes": ["teacher_a"],
    "pages.class_campaign": ["teacher_a"],
    "pages.class_roster": ["teacher_a"],
    "pages.class_key_students": ["teacher_a", "principal_a", "officer_a"],
    "pages.key_student": ["teacher_a", "officer_a"],
    "pages.office_dashboard": ["office_a", "city_office"],
    "pages.office_queue": ["office_a"],
    "pages.office_rounds": ["office_a"],
    "pages.users": ["office_a", "admin"],
    "pages.import_page": ["office_a"],
    "pages.admin_home": ["admin"],
}
# What the scene put on a page, to know it was swept with its content (not an empty list).
SHOWS = {"pages.school_committee": "李校长", "pages.school_incidents": "课间推搡", "pages.incident_page": "课间推搡",
         "pages.waters_map": "石桥村村民委员会", "pages.water_body_page": "村口鱼塘",
         "pages.class_key_students": "张小明", "pages.key_student": "每周电话回访", "pages.campaign_task_page": "1班"}
# Pages that draw part of themselves after loading: what shows they are done.
DRAWN = {"pages.waters_map": "#danger-map-status:not(:empty)"}
# Where a page's parameter is another of the scene's objects than the one of that name.
SCENE_NAMES = {"pages.school_incidents": {"campaign_id": "bullying_id"},
               "pages.water_body_page": {"point_id": "water_id"}}
# The same pages in other states, and the error pages: (address, who, status).
OTHER_STATES = [
    ("/hazards/{general_id}", "principal_a", 200),  # reported: assign and dismiss
    ("/hazards/{general_id}", "office_a", 200),  # escalated to the district: acknowledge, extend, supervise
    ("/hazards/999999", "principal_a", 404),
    ("/no-such-page", None, 404),  # routing errors, outside the blueprint
    ("/hazards/{hazard_id}/assign", "principal_a", 405),
    ("/users", "teacher_a", 403),
    ("/office/queue", "teacher_a", 403),
    ("/q/{qr_token}", "principal_b", 403),  # another school's label: report it instead
]
# What a zh-CN page must not show: snake_case and slug identifiers, Python literals and reprs, template leftovers.
DEVELOPER_TEXT = re.compile(
    r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"  # in_progress, awaiting_verification
    r"|\b(?=[\w-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+){2,}\b"  # a4-stickers-3x8 (not a date)
    r"|\b(?:None|True|False|nan|null|undefined)\b"
    r"|<[A-Za-z_]+[ .][^>]*>"  # <Hazard 3>, <Role.principal: ...>
    r"|\b[A-Z][a-z]+\.[a-z_]+\b"  # Role.principal, HazardStatus.closed
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d"  # an ISO moment, not a local date
    r"|\{\{|\}\}|\{%|%\(|Traceback")
# English left on a zh-CN page (a string never translated, a library's own words): two words in a row.
UNTRANSLATED = re.compile(r"\b[A-Za-z][a-z]+ [a-z]{2,}\b")
# Half-width punctuation touching Chinese: 状态: → 状态：, 已提交,请 → 已提交，请.
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][:,;?!()]|[:,;?!()][\u4e00-\u9fff]|[\u4e00-\u9fff] \(")


@pytest.fixture
def scene(app, client, world):
    """School A with everything a page can show: a point, an inspection with a photo and its two hazards (the
    major one awaiting verification), a reported hazard escalated to the district, a drill, a notice, the
    anti-drowning campaign with class letters, a class teacher and a roster, and the campaigns' own records
    (see _campaign_records)."""
    from safety.campaigns.models import ClassLetter
    from safety.drills.models import Drill, DrillKind, DrillStatus
    from safety.hazards.models import Hazard, HazardSource
    from safety.hazards.services import report
    from safety.schools.models import RosterEntry
    from tests.factories import enqueue

    create_class(world.school_a, grade=3, name="1班", student_count=3)
    open_drowning_season()
    letter = db.session.scalars(select(ClassLetter).where(ClassLetter.school_id == world.school_a.id)
                                .order_by(ClassLetter.id)).first()
    teacher = create_user(username="teacher_a")
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=world.school_a.id, class_id=letter.class_id)]
    db.session.add(RosterEntry(class_id=letter.class_id, position=0, name="张小明"))
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    headers = world.headers("officer_a")
    photo = upload_photo(client, headers, jpeg_bytes(seed=5)).json
    results = answers(point.template.current_version, gauge={"outcome": "fail", "note": "指针在红区",
                                                             "photos": [photo["id"]]},
                      exit_locked={"outcome": "fail", "note": "安全出口上锁", "photos": [photo["id"]]})
    inspection = client.post("/api/v1/inspections", json=submission(point, results=results), headers=headers).json
    major = next(h for h in inspection["hazards"] if h["grade"] == "major")
    _await_verification(client, world, major["id"])
    notice = client.post("/api/v1/notices", json={"inspection_id": inspection["id"], "inspectors": "区安全办检查组"},
                         headers=world.headers("office_a")).json
    drill = Drill(school_id=world.school_a.id, kind=DrillKind.fire, requirement="evacuation", period_key="2026-11",
                  window_start=now() - timedelta(days=5), window_end=now() + timedelta(days=20),
                  status=DrillStatus.assigned)
    db.session.add(drill)
    db.session.flush()
    general = report(None, world.school_a, {"title": "楼梯扶手松动", "description": "二楼东侧"}, HazardSource.direct)
    general.level, general.escalated_at, general.deadline = 1, now() - timedelta(days=1), now() - timedelta(days=2)
    enqueue(world.principal_a.id, "hazard_major_reported", "hazard", major["id"], world.school_a.id)
    db.session.commit()
    assert db.session.get(Hazard, major["id"]).status.value == "awaiting_verification"
    records = _campaign_records(world, teacher, letter)
    params = {**records, "school_id": world.school_a.id, "point_id": point.id, "hazard_id": major["id"],
              "drill_id": drill.id, "class_id": letter.class_id, "campaign_id": letter.campaign_id,
              "qr_token": point.qr_token, "token": letter.token, "inspection_id": inspection["id"],
              "notice_id": notice["id"], "general_id": general.id}
    released()
    return params


def _campaign_records(world, teacher, letter) -> dict:
    """The anti-bullying campaign open beside the anti-drowning one, with its committee and an incident under
    investigation; a water body with its ledger; a key student of the teacher's class with a visit made and one
    owed. Written through the services the pages call, as their users would; the visit owed as the home-visit job
    leaves it before a summer holiday (the scene's today is not three weeks before one)."""
    from safety.campaigns.incidents import committee, log
    from safety.campaigns.models import (
        Campaign,
        CampaignDefinition,
        CampaignTask,
        CommitteeRole,
        CommitteeSeat,
        IncidentStatus,
    )
    from safety.campaigns.waters import services as waters
    from safety.campaigns.waters.schemas import WaterBodyIn
    from safety.checklists.models import Category
    from safety.drills.models import CalendarKind, CalendarPeriod
    from safety.scheduler.registry import run_job
    from safety.students import services as students
    from safety.students.models import HomeVisitTask, VisitForm, VisitStatus

    principal, school, today = world.principal_a, world.school_a, now().date()
    db.session.scalar(select(CampaignDefinition).where(CampaignDefinition.code == "anti_bullying")).active = True
    db.session.add(CalendarPeriod(region_id=world.city.id, kind=CalendarKind.term, name_zh="本学期",
                                  name_en="This term", starts_on=today - timedelta(days=60),
                                  ends_on=today + timedelta(days=60)))
    db.session.commit()
    assert run_job("campaign_calendar", now()).status == "ok"
    bullying = db.session.scalar(select(Campaign).join(CampaignDefinition)
                                 .where(CampaignDefinition.code == "anti_bullying"))
    for name, role, seat, position in (("李校长", CommitteeRole.chair, CommitteeSeat.staff, "校长"),
                                       ("陈主任", CommitteeRole.deputy, CommitteeSeat.staff, "德育主任"),
                                       ("赵女士", CommitteeRole.member, CommitteeSeat.parent, "家长代表")):
        committee.add_member(principal, school, {"name": name, "role": role, "seat": seat, "position": position})
    incident = log.report_incident(principal, bullying, {
        "school_id": school.id, "class_id": letter.class_id, "occurred_on": today - timedelta(days=2),
        "summary": "课间推搡，一名学生被撞倒", "students_involved": 2})
    log.change_status(principal, incident, IncidentStatus.investigating, {"note": "德育处调查"})
    pond = create_point(school, code="A-WAT-01", category=Category.water_body.value, name_zh="村口鱼塘",
                        latitude=30.2801, longitude=120.1602)
    waters.update_ledger(principal, pond, None, WaterBodyIn().load({
        "risk_grade": "high", "water_type": "鱼塘", "distance_m": 800, "owner": "石桥村村民委员会", "depth_m": 2.5,
        "warning_signs": 2, "rescue_equipment": ["life_ring", "rescue_rope"], "responsible_person": "王站长"}))
    student = students.add_student(teacher, letter.class_id, {"name": "张小明", "flags": ["left_behind", "near_water"],
                                                              "notes": "父母在外务工"})
    students.record_visit(teacher, student, {"visited_on": today - timedelta(days=1), "form": VisitForm.phone,
                                             "visitor": "王老师", "notes": "祖父母在家", "follow_up": "每周电话回访"})
    db.session.add(HomeVisitTask(key_student_id=student.id, school_id=school.id, class_id=letter.class_id,
                                 round_key="summer:1", name_zh="暑假前家访", opens_on=today,
                                 due_on=today + timedelta(days=20), status=VisitStatus.open))
    task = db.session.scalar(select(CampaignTask).where(CampaignTask.class_id == letter.class_id)
                             .order_by(CampaignTask.id))
    db.session.commit()
    return {"incident_id": incident.id, "water_id": pond.id, "student_id": student.id, "task_id": task.id,
            "bullying_id": bullying.id}


def _await_verification(client, world, hazard_id: int) -> None:
    """The major hazard through 五落实 and rectification, so it waits for the office's verification."""
    headers = world.headers("principal_a")
    photo = upload_photo(client, headers, picture(6)).json
    plan = {"measures": "拆除门锁，改装推闩", "responsible_person": "校长", "funding": "学校公用经费 2000 元",
            "deadline": (now() + timedelta(days=10)).isoformat(), "contingency_plan": "专人值守安全出口"}
    for action, body in (
        ("assign", {"assignee_id": world.principal_a.id, "note": "校长牵头"}),
        ("five-fixed", plan),
        ("rectify", {"note": "已拆除门锁并更换推闩", "photos": [photo["id"]]}),
    ):
        response = client.post(f"/api/v1/hazards/{hazard_id}/{action}", json=body, headers=headers)
        assert response.status_code in (200, 201), (action, response.json)


def _page_routes() -> list[tuple[str, str]]:
    rules = [rule for rule in current_app.url_map.iter_rules()
             if rule.endpoint.startswith("pages.") and "GET" in rule.methods]
    return sorted((rule.endpoint, rule.rule) for rule in rules)


def _address(rule: str, params: dict) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        assert name in params, f"{rule}: the scene has no {name}"
        return str(params[name])
    return re.sub(r"<([^>]+)>", fill, rule)


# What a reader meets: the rendered text with every <details> opened, and the words in attributes.
READABLE = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const words = [...document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')]
    .map((e) => [e.placeholder, e.title, e.getAttribute('aria-label'), e.alt].filter(Boolean).join(' '));
  return document.body.innerText + '\\n' + words.join('\\n');
}"""


def _check(page, label: str, known: tuple[str, ...]) -> list[str]:
    problems = []
    text = page.evaluate(READABLE)
    for size_name, size in (("phone", PHONE), ("desk", DESK)):
        page.set_viewport_size(size)
        page.wait_for_timeout(30)
        if size_name == "phone" and (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
            problems.append(f"{label}: {width}px wide at 360px")
        problems += [f"{label} at {size_name}: {p}" for p in accessibility_problems(page)]
    if page.evaluate("document.documentElement.lang") != "zh-CN":
        problems.append(f"{label}: lang is {page.evaluate('document.documentElement.lang')!r}")
    for value in known:
        text = text.replace(value, "")
    problems += [f"{label}: developer text {m.group(0)!r}" for m in DEVELOPER_TEXT.finditer(text)]
    problems += [f"{label}: English {m.group(0)!r}" for m in UNTRANSLATED.finditer(text)]
    problems += [f"{label}: half-width punctuation {m.group(0)!r}" for m in HALF_WIDTH.finditer(text)]
    return problems


def test_every_page_is_accessible_fits_a_phone_and_speaks_chinese(browser, world, scene):
    routes = _page_routes()
    unknown = [endpoint for endpoint, _rule in routes if endpoint not in NOT_PAGES and endpoint not in VISITORS]
    assert unknown == [], "a page the sweep does not open: add it to VISITORS (or NOT_PAGES if it is a file)"
    # Data the scene itself wrote (usernames, codes, random tokens) may contain underscores and hyphens; the admin
    # page names the import command.
    known = tuple(sorted({"safety import", "teacher_a", "officer_a", "principal_a", "principal_b", "principal_c",
                          "office_a", "office_b", "city_office", "inspector_da", "A-1F-EXT-01", scene["qr_token"],
                          scene["token"]}, key=len, reverse=True))
    pages = {}

    def page_of(who):
        if who not in pages:
            pages[who] = browser(DESK).new_page()
            if who is not None:
                log_in(pages[who], who, PASSWORD)
        return pages[who]

    problems = []
    for endpoint, rule in routes:
        for who in VISITORS.get(endpoint, []):
            address = _address(rule, scene | {k: scene[v] for k, v in SCENE_NAMES.get(endpoint, {}).items()})
            response = page_of(who).goto(address)
            assert response.ok, f"{address} as {who}: {response.status}"
            if endpoint in DRAWN:
                page_of(who).wait_for_selector(DRAWN[endpoint], state="attached")
            assert SHOWS.get(endpoint, "") in page_of(who).inner_text("main"), f"{address} as {who}"
            problems += _check(page_of(who), f"{address} as {who}", known)
    for address, who, status in OTHER_STATES:
        response = page_of(who).goto(address.format(**scene))
        assert response.status == status, f"{address} as {who}: {response.status}"
        problems += _check(page_of(who), f"{address} as {who}", known)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("text, found", [
    ("状态：in_progress", "in_progress"), ("版式：a4-stickers-3x8", "a4-stickers-3x8"), ("<Hazard 3>", "<Hazard 3>"),
    ("Role.principal", "Role.principal"), ("负责人：None", "None"), ("期限：2026-11-30", None),
    ("期限：2026-11-30T15:59:59+00:00", "2026-11-30T15:59"),
    ("编号 A-1F-EXT-01，PDF 与 QR", None),
])
def test_the_developer_text_check_finds_identifiers_and_passes_dates_and_codes(text, found):
    match = DEVELOPER_TEXT.search(text)
    assert (match.group(0) if match else None) == found


def test_the_english_check_finds_phrases_and_passes_names_units_and_formats():
    found = UNTRANSLATED.finditer("放大 Zoom in，读数 (MPa)，导出 PDF 与 XLSX，Leaflet")
    assert [m.group(0) for m in found] == ["Zoom in"]


def test_the_punctuation_check_wants_full_width_beside_chinese():
    assert [m.group(0) for m in HALF_WIDTH.finditer("点位编码: A-1F,已提交,请稍候")] == ["码:", ",已", "交,"]
    assert HALF_WIDTH.search("读数 (MPa)").group(0) == "数 ("
    assert HALF_WIDTH.search("点位编码：A-1F（PDF），09:21, 2026") is None
