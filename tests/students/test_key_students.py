"""Key students (重点学生) and home visits (家访): kept by the school — its principal and safety officer for every
class, a class teacher for their own — never by an office, which reads counts; visit tasks come from the scheduler
before the summer holiday."""
from sqlalchemy import select

from safety.audit.models import AuditEvent
from safety.extensions import db
from tests.campaigns.conftest import at, run
from tests.campaigns.test_class_teachers import make_teacher

ZHANG = {"name": "张小明", "student_no": "2027031", "flags": ["left_behind", "near_water"], "notes": "随祖父母生活"}


def add(api, user, school_class, moment, **body):
    return api.post(f"/api/v1/classes/{school_class.id}/key-students", user, moment, json={**ZHANG, **body})


def test_a_class_teacher_keeps_their_classes_key_students_and_no_one_outside_the_school_reads_them(
        api, world, season):
    own, neighbour = season.classes_a
    make_teacher(world, own)
    moment = at(2027, 4, 8)
    created = add(api, "teacher_a", own, moment)
    assert created.status_code == 201, created.json
    assert created.json["flags"] == ["left_behind", "near_water"] and created.json["visits_owed"] == []
    student = created.json["id"]
    assert add(api, "teacher_a", neighbour, moment).status_code == 404       # another class
    assert add(api, "principal_a", neighbour, moment, name="李华").status_code == 201
    assert add(api, "officer_a", neighbour, moment, name="王芳").status_code == 201   # the safety officer
    listed = api.get(f"/api/v1/classes/{own.id}/key-students", "principal_a", moment).json["students"]
    assert [s["id"] for s in listed] == [student]
    for user in ("principal_b", "office_a", "city_office", "district_inspector_a", "admin"):
        for path in (f"/api/v1/classes/{own.id}/key-students", f"/api/v1/key-students/{student}",
                     f"/api/v1/key-students/{student}/visits"):
            assert api.get(path, user, moment).status_code == 404, (user, path)
        assert api.patch(f"/api/v1/key-students/{student}", user, moment,
                         json={"notes": "x"}).status_code == 404, user
    assert api.get(f"/api/v1/key-students/{student}", "teacher_a", moment).json["name"] == "张小明"
    neighbours = api.get(f"/api/v1/classes/{neighbour.id}/key-students", "principal_a", moment).json["students"]
    assert api.get(f"/api/v1/key-students/{neighbours[0]['id']}", "teacher_a", moment).status_code == 404
    # The office reads numbers, never names; the audit trail it reads carries none either.
    counts = api.get(f"/api/v1/schools/{world.school_a.id}/key-student-counts", "office_a", moment).json
    assert counts["students"] == 3 and counts["by_flag"]["left_behind"] == 3 and counts["by_flag"]["other"] == 0
    assert "张小明" not in str(counts)
    assert api.get(f"/api/v1/schools/{world.school_a.id}/key-student-counts", "office_b", moment).status_code == 404
    details = [str(e.details) for e in db.session.scalars(select(AuditEvent)
                                                          .where(AuditEvent.object_type == "key_student"))]
    assert len(details) == 3 and not any("张小明" in d or "李华" in d for d in details)


def test_reasons_come_from_the_list_and_bad_input_is_a_422(api, world, season):
    own = season.classes_a[0]
    moment = at(2027, 4, 8)
    for body, field in (({"flags": ["rich"]}, "flags"), ({"flags": []}, "flags"), ({"name": ""}, "name")):
        answer = add(api, "principal_a", own, moment, **body)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], (body, answer.json)
    student = add(api, "principal_a", own, moment).json["id"]
    changed = api.patch(f"/api/v1/key-students/{student}", "principal_a", moment,
                        json={"flags": ["in_difficulty"], "notes": "父母离异"})
    assert changed.status_code == 200 and changed.json["flags"] == ["in_difficulty"]
    bad_visit = api.post(f"/api/v1/key-students/{student}/visits", "principal_a", moment,
                         json={"visited_on": "2027-04-09", "form": "home", "visitor": "王老师"})
    assert bad_visit.status_code == 422 and "visited_on" in bad_visit.json["error"]["fields"]  # tomorrow
    assert api.post(f"/api/v1/key-students/{student}/visits", "principal_a", moment,
                    json={"visited_on": "2027-04-08", "form": "letter", "visitor": "王老师"}).status_code == 422


def test_visit_tasks_open_before_the_summer_holiday_and_a_visit_fulfils_one(api, world, season):
    own = season.classes_a[0]
    make_teacher(world, own)
    student = add(api, "teacher_a", own, at(2027, 5, 10)).json["id"]
    leaving = add(api, "teacher_a", own, at(2027, 5, 10), name="赵六").json["id"]
    other_school = add(api, "principal_c", season.classes_c[0], at(2027, 5, 10), name="钱七").json["id"]
    assert run("home_visit_tasks", at(2027, 6, 18)) == 0        # the summer holiday (07-10) is 22 days away
    assert run("home_visit_tasks", at(2027, 6, 19)) == 3        # 21 days before: one task per key student
    assert run("home_visit_tasks", at(2027, 6, 20)) == 0        # idempotent
    owed = api.get(f"/api/v1/key-students/{student}", "teacher_a", at(2027, 6, 20)).json["visits_owed"]
    assert [(t["name_zh"], t["opens_on"], t["due_on"], t["status"]) for t in owed] == [
        ("暑假前家访", "2027-06-19", "2027-07-09", "open")]
    visit = {"visited_on": "2027-06-25", "form": "home", "visitor": "王老师、李老师",
             "notes": "祖父母在家，已告知“四知道”", "follow_up": "暑假每周电话回访"}
    recorded = api.post(f"/api/v1/key-students/{student}/visits", "teacher_a", at(2027, 6, 25), json=visit)
    assert recorded.status_code == 201, recorded.json
    assert recorded.json["task_id"] == owed[0]["id"] and recorded.json["form"] == "home"
    assert api.call("delete", f"/api/v1/key-students/{leaving}?reason=转学", "teacher_a",
                    at(2027, 6, 26)).status_code == 204
    assert api.get(f"/api/v1/key-students/{leaving}", "teacher_a", at(2027, 6, 26)).status_code == 404
    assert run("home_visit_tasks", at(2027, 7, 10)) == 1        # the other school's student: overdue
    visits = api.get(f"/api/v1/key-students/{student}/visits", "teacher_a", at(2027, 7, 10)).json["visits"]
    assert [v["follow_up"] for v in visits] == ["暑假每周电话回访"]
    counts = api.get(f"/api/v1/schools/{world.school_a.id}/key-student-counts", "office_a", at(2027, 7, 10)).json
    assert counts["visits"] == {"open": 0, "overdue": 0, "done": 1, "missed": 1} and counts["students"] == 1
    assert api.get(f"/api/v1/key-students/{other_school}", "principal_c", at(2027, 7, 10)).json["visits_owed"][0][
        "status"] == "overdue"
