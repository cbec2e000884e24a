"""The principal's and the school safety officer's campaign work through the pages' forms (HTTP, no browser):
activities with photos from the kind-driven form, the anti-bullying committee and its meetings, the restricted
incident log along its clock, every class's paper receipts and letters PDF, and the class teacher told of new
tasks. Each form goes through the API's own services: the rows asserted here are the ones the API would write."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from safety.accounts.models import Role, RoleAssignment
from safety.campaigns.models import (
    Campaign,
    CampaignActivity,
    CampaignDefinition,
    ClassLetter,
    CommitteeMember,
    Incident,
    IncidentStatus,
)
from safety.core.clock import now
from safety.extensions import db
from safety.notifications.models import Notification
from safety.scheduler.registry import run_job
from safety.schools.models import SchoolClass
from tests.browser.conftest import form_token, open_campaign, open_drowning_season, page_login
from tests.factories import PASSWORD, create_class, create_user, scene


def logged_in(app, user):
    client = app.test_client()
    assert page_login(client, user.username, PASSWORD).status_code == 303
    return client


def post(client, page: str, action: str, data: dict, photo: int | None = None):
    """Post a page's form with the page's own CSRF token (and a photo, as the phone's file input sends it)."""
    data = {"csrf_token": form_token(client.get(page)), **data}
    if photo is not None:
        data["photos"] = (io.BytesIO(scene(photo)), "evidence.jpg")
    return client.post(action, data=data, content_type="multipart/form-data")


@pytest.fixture
def bullying(world):
    open_campaign(world)
    campaign = db.session.scalar(select(Campaign).join(CampaignDefinition)
                                 .where(CampaignDefinition.code == "anti_bullying"))
    classes = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == world.school_a.id)
                                 .order_by(SchoolClass.grade)).all()
    return campaign, classes


def members(html: str) -> str:
    return html.split('class="rows members"')[1].split("</ul>")[0]


def _activities(kind: str):
    db.session.expire_all()
    return db.session.scalars(select(CampaignActivity).where(CampaignActivity.kind == kind)
                              .order_by(CampaignActivity.id)).all()


def test_the_principal_and_the_safety_officer_report_activities_from_the_campaign_page(app, world, bullying):
    campaign, classes = bullying
    page = f"/school/{world.school_a.id}/campaigns/{campaign.id}"
    action = page + "/report"
    principal = logged_in(app, world.principal_a)
    html = principal.get(page).get_data(as_text=True)
    # one form per activity the school reports, its fields from the kind's spec; the incident log has its own page
    assert set(re.findall(r'data-activity="(\w+)"', html)) == {"committee_meeting", "lesson", "survey",
                                                                "staff_training", "parent_training"}
    assert 'name="count_surveyed"' in html and 'name="count_enrolled"' in html and 'name="minutes"' in html
    assert f'href="/school/{world.school_a.id}/campaigns/{campaign.id}/incidents"' in html

    wrong = post(principal, page, action, {"activity": "survey", "held_on": now().date().isoformat(),
                                           "count_surveyed": "330", "count_enrolled": "320"})
    assert wrong.status_code == 422 and "问卷人数超过在校人数" in wrong.get_data(as_text=True)
    assert _activities("survey") == []

    officer = logged_in(app, world.officer_a)  # the school's safety officer reports as the API lets them
    board = f"/school/{world.school_a.id}"
    officer_board = officer.get(board).get_data(as_text=True)
    assert f'href="{board}#campaigns">专项行动</a>' in officer_board and f'href="{page}"' in officer_board
    done = post(officer, page, action, {"activity": "survey", "held_on": now().date().isoformat(),
                                        "count_surveyed": "300", "count_enrolled": "320", "notes": "线上问卷"})
    assert done.status_code == 303 and done.headers["Location"].endswith(page + "#reported")
    [survey] = _activities("survey")
    assert (survey.surveyed, survey.enrolled, survey.notes, survey.reported_by_id) == (300, 320, "线上问卷",
                                                                                      world.officer_a.id)

    no_photo = post(principal, page, action, {"activity": "lesson", "class_id": str(classes[0].id),
                                              "held_on": now().date().isoformat(), "count_participants": "38"})
    assert no_photo.status_code == 422 and "请至少上传一张照片作为佐证" in no_photo.get_data(as_text=True)
    lesson = post(principal, page, action, {"activity": "lesson", "class_id": str(classes[0].id),
                                            "held_on": now().date().isoformat(), "count_participants": "38"},
                  photo=31)
    assert lesson.status_code == 303
    [held] = _activities("lesson")
    assert (held.class_id, held.participants) == (classes[0].id, 38)
    shown = principal.get(page).get_data(as_text=True)
    assert "防欺凌主题班会" in shown and "参加学生人数：38" in shown and "/photos/" in shown

    training = {"activity": "staff_training", "held_on": now().date().isoformat(), "count_participants": "42",
                "count_hours": "3"}
    no_trainer = post(principal, page, action, training, photo=33)
    assert no_trainer.status_code == 422 and _activities("training") == []
    trained = post(principal, page, action, {**training, "trainer": "区教育局 王老师"}, photo=33)
    assert trained.status_code == 303, trained.get_data(as_text=True)
    [session] = _activities("training")
    assert (session.participants, session.hours, session.trainer) == (42, 3, "区教育局 王老师")

    other = logged_in(app, world.principal_c)
    assert other.get(page).status_code == 404
    assert post(principal, page, action, {"activity": "survey"}).status_code == 422  # no date: the form's 422


def test_the_committee_its_composition_members_and_meetings(app, world, bullying):
    campaign, _classes = bullying
    page = f"/school/{world.school_a.id}/committee"
    principal = logged_in(app, world.principal_a)
    html = principal.get(page).get_data(as_text=True)
    assert "委员会尚不完整" in html and "组长来自：教职工" in html
    english = principal.get(page + "?lang=en").get_data(as_text=True)
    assert "Anti-bullying committee" in english and "A chair from: Staff (teachers and others)" in english
    principal.get(page + "?lang=zh")

    early = post(principal, page, page + f"/meetings/{campaign.id}",
                 {"activity": "committee_meeting", "held_on": now().date().isoformat(), "minutes": "议题"}, photo=41)
    assert early.status_code == 409 and "请先登记委员会成员" in early.get_data(as_text=True)

    for name, role, seat in (("李校长", "chair", "staff"), ("王家长", "member", "parent"),
                             ("赵社工", "member", "community")):
        response = post(principal, page, page, {"name": name, "role": role, "seat": seat, "position": ""})
        assert response.status_code == 303
    html = principal.get(page).get_data(as_text=True)
    assert "委员会组成完整" in html and "王家长" in html
    parent = db.session.scalar(select(CommitteeMember).where(CommitteeMember.name == "王家长"))
    assert post(principal, page, page + f"/{parent.id}/remove", {}).status_code == 303
    html = principal.get(page).get_data(as_text=True)
    assert "已移出委员会：王家长" in html and "成员来自：家长代表" in html
    assert "王家长" not in members(html) and "李校长" in members(html)

    bad = post(principal, page, page, {"name": "", "role": "boss", "seat": "staff"})
    assert bad.status_code == 422
    meeting = post(principal, page, page + f"/meetings/{campaign.id}", {
        "activity": "committee_meeting", "held_on": now().date().isoformat(), "minutes": "研究本学期防欺凌工作"},
        photo=42)
    assert meeting.status_code == 303
    [held] = _activities("committee_meeting")
    assert held.minutes == "研究本学期防欺凌工作" and held.school_id == world.school_a.id
    assert "研究本学期防欺凌工作" in principal.get(page).get_data(as_text=True)

    inspector = logged_in(app, world.district_inspector_a)
    assert post(inspector, page, page, {"name": "某人", "role": "member", "seat": "staff"}).status_code == 403
    assert f'action="{page}"' not in inspector.get(page).get_data(as_text=True)  # reads, may not change
    assert logged_in(app, world.principal_c).get(page).status_code == 404
    assert principal.post(page, data={"name": "无令牌", "role": "member", "seat": "staff"}).status_code == 400


def test_an_incident_moves_along_its_clock_in_the_restricted_log(app, world, bullying):
    campaign, classes = bullying
    page = f"/school/{world.school_a.id}/campaigns/{campaign.id}/incidents"
    principal = logged_in(app, world.principal_a)
    future = post(principal, page, page, {"occurred_on": (now() + timedelta(days=3)).date().isoformat(),
                                          "summary": "课间推搡"})
    assert future.status_code == 422
    created = post(principal, page, page, {"occurred_on": now().date().isoformat(), "class_id": str(classes[0].id),
                                           "summary": "课间多次推搡同学", "students_involved": "2"})
    assert created.status_code == 303
    incident = db.session.scalar(select(Incident))
    detail = f"/incidents/{incident.id}"
    assert created.headers["Location"].endswith(detail) and incident.class_id == classes[0].id

    for data in ({"status": "investigating"}, {"status": "determined", "determination": "confirmed"}):
        assert post(principal, detail, detail + "/status", data).status_code == 303
    html = principal.get(detail).get_data(as_text=True)
    assert "可申诉截止" in html and "调查截止" in html and 'value="psychological_support"' in html
    assert 'data-move="appealed"' not in html  # an appeal is lodged with the district office
    assert 'data-move="closed"' not in html  # a confirmed incident is handled before it closes
    none = post(principal, detail, detail + "/status", {"status": "handled"})
    assert none.status_code == 422
    handled = post(principal, detail, detail + "/status", {"status": "handled", "handling": "约谈家长",
                                                           "measures": ["criticism", "psychological_support"]})
    assert handled.status_code == 303
    assert post(principal, detail, detail + "/status", {"status": "closed", "note": "已整改"}).status_code == 303
    db.session.expire_all()
    incident = db.session.get(Incident, incident.id)
    assert incident.status == IncidentStatus.closed
    assert incident.measures == ["criticism", "psychological_support"] and incident.handling == "约谈家长"
    assert [e.to_status for e in incident.events] == ["received", "investigating", "determined", "handled", "closed"]

    office = logged_in(app, world.office_a)
    assert "课间多次推搡同学" in office.get(detail).get_data(as_text=True)
    assert f'href="{detail}"' in office.get(page).get_data(as_text=True)
    for outsider in (world.officer_a, world.district_inspector_a, world.principal_b):
        client = logged_in(app, outsider)
        assert client.get(page).status_code == 404 and client.get(detail).status_code == 404


def test_an_appeal_is_the_district_offices_and_the_principal_waits_for_its_review(app, world, bullying):
    campaign, _classes = bullying
    page = f"/school/{world.school_a.id}/campaigns/{campaign.id}/incidents"
    principal = logged_in(app, world.principal_a)
    post(principal, page, page, {"occurred_on": now().date().isoformat(), "summary": "网络辱骂"})
    detail = f"/incidents/{db.session.scalar(select(Incident.id))}"
    for data in ({"status": "investigating"}, {"status": "determined", "determination": "not_confirmed"}):
        assert post(principal, detail, detail + "/status", data).status_code == 303
    office = logged_in(app, world.office_a)
    assert 'data-move="appealed"' in office.get(detail).get_data(as_text=True)
    assert post(office, detail, detail + "/status", {"status": "appealed", "note": "家长申诉"}).status_code == 303
    html = principal.get(detail).get_data(as_text=True)
    assert "复查截止" in html and 'data-move=' not in html
    english = principal.get(detail + "?lang=en").get_data(as_text=True)
    assert "Appealed, under review" in english and "Review due" in english
    assert post(principal, detail, detail + "/status", {"status": "determined",
                                                        "determination": "confirmed"}).status_code == 403



def test_paper_receipts_for_every_class_and_one_pdf_of_all_letters(app, world):
    first = create_class(world.school_a, grade=2, name="1班", student_count=30)
    second = create_class(world.school_a, grade=2, name="2班", student_count=25)
    db.session.commit()
    open_drowning_season()
    campaign_id = db.session.scalar(select(ClassLetter.campaign_id))
    page = f"/school/{world.school_a.id}/campaigns/{campaign_id}"
    principal = logged_in(app, world.principal_a)
    html = principal.get(page).get_data(as_text=True)
    assert "2年级1班" in html and "2年级2班" in html and 'id="letters"' in html
    saved = post(principal, page, f"{page}/classes/{second.id}/paper-receipts", {"count": "20"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#letters")
    too_many = post(principal, page, f"{page}/classes/{first.id}/paper-receipts", {"count": "31"})
    assert too_many.status_code == 422 and "回执数超过班级学生人数" in too_many.get_data(as_text=True)
    db.session.expire_all()
    papers = dict(db.session.execute(select(ClassLetter.class_id, ClassLetter.paper_receipts)).all())
    assert papers == {first.id: 0, second.id: 20}
    for query in ("", "?each=0"):
        pdf = principal.get(f"{page}/letters.pdf{query}")
        assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF" and pdf.mimetype == "application/pdf"
    officer = logged_in(app, world.officer_a)  # reports activities, but the letters are the principal's
    assert officer.get(f"{page}/letters.pdf").status_code == 403
    assert 'id="letters"' not in officer.get(page).get_data(as_text=True)
    assert logged_in(app, world.principal_c).get(f"{page}/letters.pdf").status_code == 404


def test_a_class_teacher_is_told_of_their_class_tasks_and_the_inbox_leads_to_the_class_page(app, world):
    own = create_class(world.school_a, grade=4, name="3班", student_count=20)
    create_class(world.school_a, grade=4, name="4班")
    teacher = create_user(username="teacher_told")
    teacher.roles = [RoleAssignment(role=Role.class_teacher, school_id=own.school_id, class_id=own.id)]
    db.session.commit()
    open_drowning_season()
    told = db.session.execute(select(Notification.recipient_id, Notification.subject_id)
                              .where(Notification.kind == "campaign_task_new")).all()
    assert told and {recipient for recipient, _task in told} == {teacher.id}
    assert run_job("campaign_calendar", now()).status == "ok"  # a second run tells nobody again
    assert db.session.scalar(select(db.func.count(Notification.id))
                             .where(Notification.kind == "campaign_task_new")) == len(told)
    client = logged_in(app, teacher)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "你的班级有新的专项任务" in inbox and "4年级3班" in inbox
    notification_id = db.session.scalar(select(Notification.id).where(Notification.recipient_id == teacher.id)
                                        .order_by(Notification.id).limit(1))
    opened = client.post(f"/inbox/{notification_id}", data={"csrf_token": form_token(client.get("/inbox"))})
    task_page = client.get(opened.headers["Location"])
    assert task_page.status_code == 302
    assert re.search(rf"/classes/{own.id}/campaigns/\d+$", task_page.headers["Location"])
    assert logged_in(app, world.principal_c).get(opened.headers["Location"]).status_code == 404
