"""An anti-bullying term: committee on record and meeting, lessons, survey, and an incident log few may read."""
import json

import pytest

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
    assert sorted(t["activity"] for t in tasks.json["items"]) == ["committee_meeting", "lesson", "lesson", "survey"]
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

    progress = api.get(f"/api/v1/campaigns/{bullying.id}/progress", "office_a", moment).json
    school_a = next(s for s in progress["schools"] if s["code"] == "SA")
    assert (school_a["committee_status"], school_a["survey_coverage"]) == ("active", 95.0)
    assert next(s for s in progress["schools"] if s["code"] == "SB")["committee_status"] == "none"
    assert (progress["overall"]["committees"], progress["overall"]["committees_met"]) == (1, 1)


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


def test_an_incident_moves_along_its_transitions_with_a_history(api, world, term, bullying):
    moment = at(2027, 3, 10)
    created = api.post(f"/api/v1/campaigns/{bullying.id}/incidents", "principal_a", moment,
                       json={"school_id": world.school_a.id, "occurred_on": "2027-03-09", "summary": SECRET}).json
    status = f"/api/v1/bullying-incidents/{created['id']}/status"
    assert api.post(status, "principal_a", moment, json={"status": "closed"}).status_code == 409
    for step, handling in [("investigating", None), ("handled", "约谈双方家长，心理老师跟进辅导"), ("closed", None)]:
        body = {"status": step, "note": f"→ {step}", **({"handling": handling} if handling else {})}
        moved = api.post(status, "office_a" if step == "closed" else "principal_a", moment, json=body)
        assert moved.status_code == 200, moved.json
    final = moved.json
    assert final["status"] == "closed" and final["closed_at"] and final["handling"].startswith("约谈")
    assert [(e["from_status"], e["to_status"]) for e in final["events"]] == [
        (None, "reported"), ("reported", "investigating"), ("investigating", "handled"), ("handled", "closed")]
    assert api.post(status, "principal_a", moment, json={"status": "investigating"}).status_code == 409
