"""An anti-bullying term: committee on record and meeting, lessons, survey, and an incident log few may read."""
import io
import json

import pytest
from openpyxl import load_workbook

from safety.campaigns.incidents import rules
from safety.extensions import db
from tests.campaigns.conftest import at, campaign, report, run

SECRET = "三年级某生多次被同学索要零花钱"


@pytest.fixture
def bullying(world, term):
    run("campaign_calendar", at(2027, 2, 22, 0, 30))
    return campaign("anti_bullying")


def test_the_term_needs_a_committee_a_meeting_lessons_and_a_survey(api, world, term, bullying):
    assert bullying.period_key == "2027-spring" and bullying.name_zh == "防欺凌专项治理（2026—2027学年第二学期）"
    moment = at(2027, 3, 5)
    tasks = api.get(f"/api/v1/campaigns/{bullying.id}/tasks?school_id={world.school_a.id}", "principal_a", moment)
    assert sorted(t["activity"] for t in tasks.json["items"]) == [
        "committee_meeting", "lesson", "lesson", "parent_training", "staff_training", "survey"]
    photo = api.photo("principal_a", moment, seed=7)
    meeting = {"school_id": world.school_a.id, "activity": "committee_meeting", "held_on": "2027-03-05",
               "minutes": "研究本学期防欺凌工作安排，明确各成员分工。", "photo_ids": [photo]}
    assert report(api, bullying.id, "principal_a", moment, **meeting).status_code == 409  # no committee on record

    members = f"/api/v1/schools/{world.school_a.id}/bullying-committee"
    assert api.post(members, "officer_a", moment, json={"name": "王老师", "role": "member"}).status_code == 403
    assert api.post(members, "principal_b", moment, json={"name": "王老师", "role": "member"}).status_code == 404
    for name, role, position in [("李校长", "chair", "校长"), ("王老师", "member", "德育主任"),
                                 ("赵警官", "member", "法治副校长")]:
        created = api.post(members, "principal_a", moment, json={"name": name, "role": role, "position": position})
        assert created.status_code == 201, created.json
    assert [m["role"] for m in api.get(members, "officer_a", moment).json] == ["chair", "member", "member"]
    assert report(api, bullying.id, "principal_a", moment, **{**meeting, "minutes": " "}).status_code == 422
    assert report(api, bullying.id, "principal_a", moment, **meeting).status_code == 201

    survey = report(api, bullying.id, "officer_a", moment, school_id=world.school_a.id, activity="survey",
                    held_on="2027-03-05", counts={"surveyed": 76, "enrolled": 80})
    assert survey.status_code == 201, survey.json
    too_many = report(api, bullying.id, "officer_a", moment, school_id=world.school_a.id, activity="survey",
                      held_on="2027-03-05", counts={"surveyed": 81, "enrolled": 80})
    assert too_many.status_code == 422 and "counts.surveyed" in too_many.json["error"]["fields"]

    progress = api.get(f"/api/v1/campaigns/{bullying.id}/progress", "city_office", moment).json
    schools = {s["code"]: s for s in progress["schools"]}
    assert set(schools) == {"SA", "SC"}  # SB is a kindergarten: the 方案 is for 中小学 and 中职
    assert (schools["SA"]["committee_status"], schools["SA"]["survey_coverage"]) == ("active", 95.0)
    assert schools["SC"]["committee_status"] == "none"
    assert (progress["overall"]["committees"], progress["overall"]["committees_met"]) == (1, 1)


def test_staff_and_parents_are_trained_each_term_with_hours_trainer_and_a_photo(api, world, term, bullying):
    moment = at(2027, 3, 12)
    training = {"school_id": world.school_a.id, "activity": "staff_training", "held_on": "2027-03-12",
                "counts": {"participants": 42, "hours": 2}, "trainer": "区教育局法治副校长 赵警官",
                "photo_ids": [api.photo("officer_a", moment, seed=11)]}
    for missing, field in (({"trainer": " "}, "trainer"), ({"counts": {"participants": 42}}, "counts.hours"),
                           ({"photo_ids": []}, "photo_ids")):
        refused = report(api, bullying.id, "officer_a", moment, **{**training, **missing})
        assert refused.status_code == 422 and field in refused.json["error"]["fields"], (missing, refused.json)
    done = report(api, bullying.id, "officer_a", moment, **training)
    assert done.status_code == 201, done.json
    assert (done.json["counts"]["hours"], done.json["trainer"]) == (2, "区教育局法治副校长 赵警官")
    parents = report(api, bullying.id, "principal_a", moment, **{
        **training, "activity": "parent_training", "counts": {"participants": 70, "hours": 1}, "trainer": "王老师",
        "photo_ids": [api.photo("principal_a", moment, seed=12)]})
    assert parents.status_code == 201, parents.json
    tasks = api.get(f"/api/v1/campaigns/{bullying.id}/tasks?school_id={world.school_a.id}", "principal_a", moment)
    assert {t["activity"]: t["status"] for t in tasks.json["items"] if "training" in t["activity"]} == {
        "staff_training": "done", "parent_training": "done"}
    progress = api.get(f"/api/v1/campaigns/{bullying.id}/progress", "office_a", moment).json
    school_a = next(s for s in progress["schools"] if s["code"] == "SA")
    assert (school_a["trained"], school_a["training_hours"]) == (112, 3)


def test_incidents_are_read_only_by_the_principal_and_the_safety_offices(api, world, term, bullying):
    moment = at(2027, 3, 10)
    body = {"school_id": world.school_a.id, "occurred_on": "2027-03-09", "summary": SECRET,
            "students_involved": 3, "class_id": term.classes_a[0].id}
    path = f"/api/v1/campaigns/{bullying.id}/incidents"
    assert api.post(path, "officer_a", moment, json=body).status_code == 404  # an inspector cannot even tell
    created = api.post(path, "principal_a", moment, json=body)
    assert created.status_code == 201, created.json
    incident = created.json["id"]

    for user in ["principal_a", "office_a", "city_office", "admin"]:
        assert api.get(f"/api/v1/bullying-incidents/{incident}", user, moment).json["summary"] == SECRET, user
        assert api.get(path, user, moment).json["total"] == 1, user
    for user in ["officer_a", "district_inspector_a", "principal_b", "principal_c", "office_b"]:
        assert api.get(f"/api/v1/bullying-incidents/{incident}", user, moment).status_code == 404, user
        assert api.get(path, user, moment).json["total"] == 0, user
        assert api.post(f"/api/v1/bullying-incidents/{incident}/status", user, moment,
                        json={"status": "investigating"}).status_code == 404, user

    # Nor does the text turn up anywhere an inspector reads, or in the audit trail offices browse.
    for where in [f"/api/v1/campaigns/{bullying.id}/progress?school_id={world.school_a.id}",
                  f"/api/v1/campaigns/{bullying.id}/activities", f"/api/v1/campaigns/{bullying.id}/tasks"]:
        assert SECRET not in json.dumps(api.get(where, "officer_a", moment).json, ensure_ascii=False)
    assert SECRET not in json.dumps(api.get("/api/v1/audit", "office_a", moment).json, ensure_ascii=False)


def _incident(api, world, bullying, moment) -> str:
    created = api.post(f"/api/v1/campaigns/{bullying.id}/incidents", "principal_a", moment,
                       json={"school_id": world.school_a.id, "occurred_on": "2027-03-09", "summary": SECRET})
    assert created.status_code == 201, created.json
    return f"/api/v1/bullying-incidents/{created.json['id']}/status"


def test_an_incident_runs_on_its_clock_with_a_history(api, world, term, bullying):
    moment = at(2027, 3, 10)
    status = _incident(api, world, bullying, moment)
    assert api.post(status, "principal_a", moment, json={"status": "closed"}).status_code == 409
    assert api.post(status, "principal_a", moment, json={"status": "received"}).status_code == 409  # no move there
    started = api.post(status, "principal_a", moment, json={"status": "investigating", "note": "启动调查"}).json
    assert started["investigation_due_at"].startswith("2027-03-20")  # 10 days (教督〔2017〕10号)
    undecided = api.post(status, "principal_a", at(2027, 3, 15), json={"status": "determined"})
    assert undecided.status_code == 422 and "determination" in undecided.json["error"]["fields"]
    determined = api.post(status, "principal_a", at(2027, 3, 15),  # a Monday: 5 working days → the next Monday
                          json={"status": "determined", "determination": "confirmed"}).json
    assert determined["appeal_due_at"].startswith("2027-03-22")
    for measures in ([], ["talked to the bully"]):  # flags of the rules only, never free text
        refused = api.post(status, "principal_a", at(2027, 3, 16), json={"status": "handled", "measures": measures})
        assert refused.status_code == 422 and "measures" in refused.json["error"]["fields"]
    assert api.post(status, "principal_a", at(2027, 3, 16), json={"status": "closed"}).status_code == 409
    handled = api.post(status, "principal_a", at(2027, 3, 16), json={
        "status": "handled", "measures": ["education_discipline", "psychological_support"],
        "handling": "约谈双方家长，心理老师跟进辅导"})
    assert handled.status_code == 200 and handled.json["measures"] == ["education_discipline", "psychological_support"]
    final = api.post(status, "office_a", at(2027, 3, 30), json={"status": "closed"}).json
    assert final["status"] == "closed" and final["closed_at"]
    assert [(e["from_status"], e["to_status"]) for e in final["events"]] == [
        (None, "received"), ("received", "investigating"), ("investigating", "determined"),
        ("determined", "handled"), ("handled", "closed")]


def test_the_parties_appeal_to_the_district_within_the_window_and_it_reviews(api, world, term, bullying):
    status = _incident(api, world, bullying, at(2027, 3, 10))
    api.post(status, "principal_a", at(2027, 3, 10), json={"status": "investigating"})
    api.post(status, "principal_a", at(2027, 3, 12),  # a Friday: the appeal window ends the next Friday
             json={"status": "determined", "determination": "not_confirmed"})
    appeal = {"status": "appealed", "note": "被欺凌学生家长申诉"}
    assert api.post(status, "principal_a", at(2027, 3, 15), json=appeal).status_code == 403  # lodged with the district
    assert api.post(status, "office_a", at(2027, 3, 19, 13), json=appeal).status_code == 409  # past the 5 working days
    appealed = api.post(status, "office_a", at(2027, 3, 19, 11), json=appeal)
    assert appealed.status_code == 200 and appealed.json["review_due_at"].startswith("2027-04-03")  # 15 days
    review = {"status": "determined", "determination": "confirmed", "note": "复查：构成欺凌"}
    assert api.post(status, "principal_a", at(2027, 3, 25), json=review).status_code == 403  # the district reviews
    reviewed = api.post(status, "office_a", at(2027, 3, 25), json=review).json
    assert reviewed["determination"] == "confirmed" and reviewed["appeal_due_at"].startswith("2027-03-19")
    assert api.post(status, "office_a", at(2027, 3, 26), json=appeal).status_code == 409  # one appeal: window gone


def test_a_late_investigation_escalates_to_the_district_queue(api, world, term, bullying):
    status = _incident(api, world, bullying, at(2027, 3, 10))
    api.post(status, "principal_a", at(2027, 3, 10, 9), json={"status": "investigating"})
    run("incident_clock", at(2027, 3, 20, 8))  # due on the 20th at 9:00
    queue = api.get("/api/v1/escalations?kind=incident", "office_a", at(2027, 3, 20, 8)).json
    assert queue["total"] == 0
    assert run("incident_clock", at(2027, 3, 20, 10)) == 1 and run("incident_clock", at(2027, 3, 20, 11)) == 0
    queue = api.get("/api/v1/escalations?kind=incident", "office_a", at(2027, 3, 20, 10)).json
    assert [(r["kind"], r["school_id"]) for r in queue["items"]] == [("incident", world.school_a.id)]
    assert SECRET not in json.dumps(queue, ensure_ascii=False)
    assert api.get("/api/v1/escalations?kind=incident", "office_b", at(2027, 3, 20, 10)).json["total"] == 0
    ledger = load_workbook(io.BytesIO(api.get(f"/api/v1/campaigns/{bullying.id}/ledger.xlsx", "office_a",
                                              at(2027, 3, 20, 10)).data))
    counts = {row[0]: row[3:] for row in ledger["欺凌事件台账（统计）"].iter_rows(values_only=True)}
    assert counts["SA"][:3] == (1, 0, 1)  # one incident, investigating; its account and names stay in the log
    assert SECRET not in json.dumps([list(s.iter_rows(values_only=True)) for s in ledger], ensure_ascii=False,
                                    default=str)
    api.post(status, "principal_a", at(2027, 3, 21), json={"status": "determined", "determination": "confirmed"})
    assert api.get("/api/v1/escalations?kind=incident", "office_a", at(2027, 3, 21)).json["total"] == 0


@pytest.mark.parametrize("school_type,seats,missing", [
    ("primary", ["staff", "staff", "legal_vice_principal", "parent"], []),
    ("primary", ["staff", "staff", "staff"], ["parent", "community|expert|legal_vice_principal"]),
    ("senior_secondary", ["staff", "parent", "expert"], ["student"]),
    ("senior_secondary", ["staff", "parent", "community", "student"], []),
    ("primary", ["parent", "staff", "expert"], ["chair:staff"]),  # the chair must be the school's (the principal)
])
def test_the_committee_composition_is_checked_not_just_its_size(api, world, school_type, seats, missing):
    world.school_a.type = school_type
    db.session.commit()
    moment = at(2027, 3, 5)
    members = f"/api/v1/schools/{world.school_a.id}/bullying-committee"
    for index, seat in enumerate(seats):
        body = {"name": f"成员{index}", "role": "chair" if index == 0 else "member", "seat": seat}
        assert api.post(members, "principal_a", moment, json=body).status_code == 201
    check = api.get(f"{members}/composition", "office_a", moment).json
    assert (check["complete"], check["missing"], check["members"]) == (not missing, missing, len(seats))


def test_a_region_sets_its_own_windows(api, world, term, bullying, monkeypatch):
    shipped = rules._all()
    mine = {**shipped, "anti_bullying": {**shipped["anti_bullying"],
                                         "regions": {world.district_a.code: {"investigation_days": 7}}}}
    monkeypatch.setattr(rules, "_all", lambda: mine)
    status = _incident(api, world, bullying, at(2027, 3, 10))
    started = api.post(status, "principal_a", at(2027, 3, 10), json={"status": "investigating"}).json
    assert started["investigation_due_at"].startswith("2027-03-17")  # district A: 7 days instead of 10
