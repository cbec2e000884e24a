"""Checks an office launches (开学前, 节假日前, 专项) through HTTP and the close job: completion per school,
late schools in the queue, finishing late, who may launch and who sees what."""
from sqlalchemy import select

from safety.core.clock import frozen
from safety.extensions import db
from safety.rounds.models import Round
from tests.drills.test_drills_api import local, run
from tests.rounds.test_rounds import get, inspect, queue

LAUNCH = {"kind": "term_start_check", "categories": ["gate_security", "fire_equipment"],
          "starts_at": local(2026, 8, 24, 8).isoformat(), "deadline": local(2026, 8, 31, 18).isoformat()}


def launch(client, world, who="office_a", region=None, **changes):
    body = {**LAUNCH, "region_id": (region or world.district_a).id, **changes}
    with frozen(local(2026, 8, 24, 9)):
        return client.post("/api/v1/checks", json=body, headers=world.headers(who))


def test_an_office_launches_a_check_for_every_school_of_its_district(client, campus):
    launched = launch(client, campus)
    assert launched.status_code == 201, launched.json
    body = launched.json
    assert body["title"] == "开学前安全检查" and body["categories"] == ["fire_equipment", "gate_security"]
    assert {s["school_id"] for s in body["schools"]} == {campus.school_a.id, campus.school_b.id}
    assert body["counts"] == {"schools": 2, "done": 0, "done_late": 0, "late": 0, "open": 2}
    school_a = next(s for s in body["schools"] if s["school_id"] == campus.school_a.id)
    assert (school_a["points_covered"], school_a["points_inspected"]) == (2, 0)  # gate and extinguisher


def test_who_may_launch(client, campus):
    assert launch(client, campus, "principal_a").status_code == 403
    assert launch(client, campus, "office_b").status_code == 404  # another district is not theirs to see
    assert launch(client, campus, kind="daily_patrol").status_code == 422
    assert launch(client, campus, deadline=local(2026, 8, 20).isoformat()).status_code == 422
    city = launch(client, campus, "city_office", region=campus.city)
    assert city.status_code == 201 and city.json["counts"]["schools"] == 3


def test_completion_late_schools_in_the_queue_and_finishing_late(client, campus):
    check = launch(client, campus).json
    for name in ("gate", "extinguisher"):
        inspect(client, campus, campus.points[name], local(2026, 8, 27, 10))
    run("close_rounds", local(2026, 8, 28, 9))
    moment = local(2026, 9, 1, 9)
    run("close_rounds", moment)  # past the deadline: SB has not finished (it has no points to check at all)
    detail = get(client, campus, "office_a", f"/api/v1/checks/{check['id']}", moment).json
    by_school = {s["school_id"]: s for s in detail["schools"]}
    assert by_school[campus.school_a.id]["status"] == "done" and not by_school[campus.school_a.id]["late"]
    assert by_school[campus.school_b.id]["status"] == "missed" and by_school[campus.school_b.id]["late"]
    assert detail["counts"] == {"schools": 2, "done": 1, "done_late": 0, "late": 1, "open": 0}
    late = queue(client, campus, "check", moment)["items"]
    assert [(r["school_id"], r["title"]) for r in late] == [(campus.school_b.id, "开学前安全检查")]
    assert get(client, campus, "office_b", "/api/v1/escalations?kind=check", moment).json["total"] == 0


def test_a_late_school_that_finishes_leaves_the_queue_flagged_late(client, campus):
    check = launch(client, campus).json
    run("close_rounds", local(2026, 9, 1, 9))
    assert {r["school_id"] for r in queue(client, campus, "check", local(2026, 9, 1, 9))["items"]} == \
        {campus.school_a.id, campus.school_b.id}
    for name in ("gate", "extinguisher"):
        inspect(client, campus, campus.points[name], local(2026, 9, 2, 10))
    run("close_rounds", local(2026, 9, 2, 11))
    detail = get(client, campus, "office_a", f"/api/v1/checks/{check['id']}", local(2026, 9, 2, 12)).json
    school_a = next(s for s in detail["schools"] if s["school_id"] == campus.school_a.id)
    assert school_a["status"] == "done" and school_a["late"] and detail["counts"]["done_late"] == 1
    assert {r["school_id"] for r in queue(client, campus, "check", local(2026, 9, 2, 12))["items"]} == \
        {campus.school_b.id}


def test_a_school_sees_only_its_own_part(client, campus):
    check = launch(client, campus).json
    own = get(client, campus, "principal_a", f"/api/v1/checks/{check['id']}", local(2026, 8, 25))
    assert own.status_code == 200 and [s["school_id"] for s in own.json["schools"]] == [campus.school_a.id]
    assert get(client, campus, "principal_c", f"/api/v1/checks/{check['id']}", local(2026, 8, 25)).status_code == 404
    listed = get(client, campus, "principal_c", "/api/v1/checks", local(2026, 8, 25)).json
    assert listed["total"] == 0
    mine = db.session.scalar(select(Round).where(Round.check_id == check["id"], Round.school_id == campus.school_a.id))
    assert mine.responsible_id == campus.principal_a.id
    today = get(client, campus, "principal_a", "/api/v1/rounds/today", local(2026, 8, 25)).json
    assert [r["check_id"] for r in today] == [check["id"]]
