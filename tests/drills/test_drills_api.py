"""Drills through the scheduler jobs (frozen time) and HTTP: assignment, reminders, overdue, reports, compliance."""
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from safety.core.clock import frozen
from safety.drills.jobs import assign_drills, drill_reminders_and_overdue
from safety.drills.models import Drill, DrillKind, DrillStatus
from safety.drills.render import render_drill_due, render_drill_overdue
from safety.drills.rules import load_rules
from safety.drills.services import create_period
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource
from safety.notifications.models import Notification
from safety.scheduler.models import JobRun
from safety.scheduler.registry import run_job
from tests.factories import create_school, jpeg_bytes, upload_photo

TZ = ZoneInfo("Asia/Shanghai")
ASSIGN, REMIND = "assign_drills", "drill_reminders_and_overdue"
SCHOOL_YEAR = [  # the city's calendar
    ("term", "2026年秋季学期", date(2026, 9, 1), date(2027, 1, 20)),
    ("holiday", "国庆假期", date(2026, 10, 1), date(2026, 10, 7)),
    ("holiday", "寒假", date(2027, 1, 21), date(2027, 2, 22)),
    ("term", "2027年春季学期", date(2027, 2, 23), date(2027, 7, 5)),
    ("holiday", "暑假", date(2027, 7, 6), date(2027, 8, 31)),
]


def local(y, m, d, h=10, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=TZ)


def add_calendar(region, periods=SCHOOL_YEAR):
    for kind, name, first, last in periods:
        create_period(None, region, {"kind": kind, "name_zh": name, "starts_on": first, "ends_on": last})


def run(name, moment) -> JobRun:
    result = run_job(name, moment)
    assert result.status == "ok", result.error
    return result


def drill_keys(school=None) -> set:
    query = select(Drill.school_id, Drill.requirement, Drill.period_key)
    if school is not None:
        query = query.where(Drill.school_id == school.id)
    return {tuple(row[1:]) if school is not None else tuple(row) for row in db.session.execute(query)}


def drill(school, period_key, requirement="evacuation") -> Drill:
    return db.session.scalar(select(Drill).where(Drill.school_id == school.id, Drill.period_key == period_key,
                                                 Drill.requirement == requirement))


def notifications(kind=None) -> set:
    query = select(Notification.kind, Notification.recipient_id, Notification.subject_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return set(db.session.execute(query).all())


def headers(world, who, moment):
    with frozen(moment):  # the token must be valid at the frozen moment of the request
        return world.headers(who)


def get(client, world, who, path, moment):
    with frozen(moment):
        return client.get(path, headers=headers(world, who, moment))


RECORD = {"scenario": "二楼实验室起火", "mode": "announced", "time_of_day": "class_time", "place": "teaching_building",
          "staff_count": 30, "student_count": 420, "head_count_done": True, "review": "撤离有序",
          "evacuations": [{"building": "教学楼", "floors": 4, "seconds": 95}]}


def all_phases(drill_id) -> list[str]:
    """Every phase the drill's kind has (the earthquake drill's four): a full record skips none."""
    return [p.key for p in load_rules().kinds[db.session.get(Drill, drill_id).kind].phases]


def post_report(client, world, who, drill_id, moment, **body):
    body = {"conducted_at": moment.isoformat(), **RECORD, "phases": all_phases(drill_id), **body}
    with frozen(moment):
        return client.post(f"/api/v1/drills/{drill_id}/report", json=body, headers=headers(world, who, moment))


# --- assignment ------------------------------------------------------------------------------------------

def test_assignment_follows_the_rules_and_a_second_run_changes_nothing(client, school_year):
    world = school_year
    late_school = create_school(world.district_a, "SD", created_at=local(2026, 11, 5))
    db.session.commit()
    first = run(ASSIGN, local(2026, 11, 10))
    assert drill_keys(world.school_a) == {("evacuation", "2026-09"), ("evacuation", "2026-10"),
                                          ("evacuation", "2026-11"), ("evacuation", "2026-12"),
                                          ("bus", "2026-autumn"), ("bus", "2027-spring")}
    assert drill_keys(world.school_b) == {("evacuation", "2026-Q3"), ("evacuation", "2026-Q4"),
                                          ("evacuation", "2027-Q1")}
    assert drill_keys(world.school_c) == {("evacuation", k) for k in ("2026-09", "2026-10", "2026-11", "2026-12")}
    # a school registered in November owes nothing for the months before it existed
    assert drill_keys(late_school) == {("evacuation", "2026-11"), ("evacuation", "2026-12")}
    assert first.rows_affected == 6 + 3 + 4 + 2 == db.session.scalar(select(func.count(Drill.id)))

    again = run(ASSIGN, local(2026, 11, 10, 12))
    assert again.rows_affected == 0
    assert db.session.scalar(select(func.count(Drill.id))) == 15

    october = drill(world.school_a, "2026-10")
    assert (october.status, october.requirement) == (DrillStatus.assigned, "evacuation")
    response = client.get(f"/api/v1/drills/{october.id}", headers=world.headers("principal_a"))
    assert response.status_code == 200
    assert response.json["window_start"] == "2026-10-07T16:00:00+00:00"  # 8 October, after the holiday week
    assert response.json["window_end"] == "2026-10-31T16:00:00+00:00"
    assert response.json["school_name"] == "甲区第一小学"


def test_a_district_calendar_overrides_the_city_calendar(client, school_year):
    world = school_year
    add_calendar(world.district_b, [("term", "乙区秋季学期", date(2026, 9, 14), date(2027, 1, 15))])
    db.session.commit()
    run(ASSIGN, local(2026, 9, 20))
    assert drill(world.school_c, "2026-09").window_start == local(2026, 9, 14, 0)
    assert drill(world.school_a, "2026-09").window_start == local(2026, 9, 1, 0)
    effective = client.get(f"/api/v1/calendars?school_id={world.school_c.id}", headers=world.headers("principal_c"))
    assert [p["name_zh"] for p in effective.json["items"]] == ["乙区秋季学期"]
    city = client.get(f"/api/v1/calendars?school_id={world.school_a.id}", headers=world.headers("principal_a"))
    assert city.json["total"] == len(SCHOOL_YEAR) and {p["region_id"] for p in city.json["items"]} == {world.city.id}


def test_seasonal_drills_only_where_a_region_opts_in(app, monkeypatch, school_year):
    monkeypatch.setitem(app.config, "DRILL_RULES", {"seasonal": [
        {"kind": "typhoon", "months": [9, 10], "regions": ["DB"]},
        {"kind": "flood", "months": [10], "regions": ["DA"]}]})
    run(ASSIGN, local(2026, 9, 20))
    assert drill(school_year.school_c, "2026-09").kind == DrillKind.typhoon  # SC lies in district DB
    assert drill(school_year.school_c, "2026-10").kind == DrillKind.typhoon  # the first matching rule wins there
    assert drill(school_year.school_a, "2026-09").kind in {DrillKind.fire, DrillKind.earthquake, DrillKind.intruder,
                                                            DrillKind.stampede}
    assert drill(school_year.school_a, "2026-10").kind == DrillKind.flood


def test_a_week_of_scheduler_downtime_is_caught_up_in_one_run(school_year):
    """One run after a week without the scheduler leaves what running every day would have left."""
    def state():
        drills = db.session.execute(select(Drill.school_id, Drill.requirement, Drill.period_key, Drill.kind,
                                           Drill.window_start, Drill.window_end, Drill.status, Drill.overdue_at)).all()
        told = db.session.execute(
            select(Notification.kind, Notification.recipient_id, Drill.school_id, Drill.requirement, Drill.period_key)
            .join(Drill, Drill.id == Notification.subject_id).where(Notification.subject_type == "drill",
                                                                   Notification.kind == "drill_overdue")).all()
        return set(drills), set(told)

    for day in range(24, 31):  # every day at 02:00 from 24 November to 3 December
        run(ASSIGN, local(2026, 11, day, 2))
        run(REMIND, local(2026, 11, day, 2))
    for day in range(1, 4):
        run(ASSIGN, local(2026, 12, day, 2))
        run(REMIND, local(2026, 12, day, 2))
    continuous = state()
    db.session.execute(delete(Notification))
    db.session.execute(delete(Drill))
    db.session.commit()

    run(ASSIGN, local(2026, 12, 3, 2))
    run(REMIND, local(2026, 12, 3, 2))
    caught_up = state()
    assert caught_up == continuous
    drills, overdue = caught_up
    assert {(d[2], d[6]) for d in drills if d[0] == school_year.school_a.id and d[1] == "evacuation"} == {
        ("2026-09", DrillStatus.overdue), ("2026-10", DrillStatus.overdue), ("2026-11", DrillStatus.overdue),
        ("2026-12", DrillStatus.assigned), ("2027-01", DrillStatus.assigned)}
    assert len(overdue) == 2 * (3 + 1 + 3)  # principal + district office for SA ×3, SB Q3, SC ×3


EXPECTED_AT_28_NOVEMBER = {
    "drills": 6 + 3 + 4,  # SA 2026-09…12 and two bus terms, SB 2026-Q3, Q4 and 2027-Q1, SC 2026-09…12
    # overdue: SA and SC September and October, SB Q3 → principal and district office each
    "drill_overdue": 2 * 5,
    "drill_due": 2,  # SA and SC November closes within three days → their principals
}


def _together(app, work, n=4) -> list[str]:
    """Run `work()` in n threads released at the same instant, each with its own session; returns errors."""
    db.session.commit()  # the test's own session must not hold SQLite's write lock while the threads run
    barrier, errors = threading.Barrier(n), []

    def thread_body():
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                work()
            except Exception as error:  # collected, so the test reports it instead of a silent thread death
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=thread_body) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return errors


def _assert_nothing_duplicated():
    assert db.session.scalar(select(func.count(Drill.id))) == EXPECTED_AT_28_NOVEMBER["drills"] == len(drill_keys())
    assert db.session.scalar(select(func.count(Notification.id))) == 2 * 5 + 2
    assert len(notifications("drill_overdue")) == EXPECTED_AT_28_NOVEMBER["drill_overdue"]
    assert len(notifications("drill_due")) == EXPECTED_AT_28_NOVEMBER["drill_due"]


def test_two_schedulers_at_the_same_moment_never_duplicate(app, school_year):
    moment, statuses, n = local(2026, 11, 28, 2), [], 4
    between = threading.Barrier(n)  # both jobs fire in every scheduler at once, assignment first

    def scheduler():
        for name in (ASSIGN, REMIND):
            statuses.append((name, run_job(name, moment).status))
            db.session.commit()  # reading the status began a transaction: SQLite's write lock must be free
            between.wait(timeout=60)

    assert _together(app, scheduler, n) == []
    assert {status for _name, status in statuses} <= {"ok", "skipped"}
    assert {name for name, status in statuses if status == "ok"} == {ASSIGN, REMIND}
    _assert_nothing_duplicated()


def test_job_bodies_racing_past_the_lease_never_duplicate(app, school_year):
    """Even if two schedulers both ran the work (a lease expired mid-run), the data stays single."""
    moment = local(2026, 11, 28, 2)

    def both_jobs():
        with frozen(moment):
            assign_drills(moment)
            db.session.commit()
            drill_reminders_and_overdue(moment)
            db.session.commit()

    assert _together(app, both_jobs) == []
    _assert_nothing_duplicated()


# --- reminders and overdue --------------------------------------------------------------------------------

def test_reminders_go_out_once_when_the_window_is_about_to_close(app, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 20))
    run(REMIND, local(2026, 11, 20))
    assert notifications("drill_due") == set()
    run(REMIND, local(2026, 11, 27, 10))  # November closes in 3 days 14 hours: not yet
    assert notifications("drill_due") == set()
    run(REMIND, local(2026, 11, 28, 10))
    sa, sc = drill(world.school_a, "2026-11"), drill(world.school_c, "2026-11")
    assert notifications("drill_due") == {("drill_due", world.principal_a.id, sa.id),
                                          ("drill_due", world.principal_c.id, sc.id)}
    reminded_at = sa.reminded_at
    assert reminded_at == local(2026, 11, 28, 10)
    again = run(REMIND, local(2026, 11, 29, 10))
    assert again.rows_affected == 0
    db.session.expire_all()
    assert drill(world.school_a, "2026-11").reminded_at == reminded_at
    assert len(notifications("drill_due")) == 2

    told = db.session.scalar(select(Notification).where(Notification.recipient_id == world.principal_a.id,
                                                        Notification.kind == "drill_due"))
    with app.test_request_context(), force_locale("en"):
        message = render_drill_due(told)
    assert message.title == "Drill due soon" and message.link_path == f"/api/v1/drills/{sa.id}"
    assert message.body.startswith("District A No.1 Primary: the ") and "for 2026/11" in message.body
    assert "Nov 30, 2026" in message.body  # the last local day of the window


def test_missed_drills_go_overdue_and_the_school_and_district_office_hear(app, client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 20))
    run(REMIND, local(2026, 11, 30, 23, 50))  # still open for ten minutes
    nov = drill(world.school_a, "2026-11")
    assert nov.status == DrillStatus.assigned
    run(REMIND, local(2026, 12, 1, 8))
    db.session.expire_all()
    nov = drill(world.school_a, "2026-11")
    told = db.session.scalar(select(Notification).where(Notification.subject_id == nov.id,
                                                        Notification.recipient_id == world.office_a.id))
    with app.test_request_context(), force_locale("en"):
        assert render_drill_overdue(told).title == "Drill overdue"
    assert nov.status == DrillStatus.overdue and nov.overdue_at == nov.window_end == local(2026, 12, 1, 0)
    told = {recipient for kind, recipient, subject in notifications("drill_overdue") if subject == nov.id}
    assert told == {world.principal_a.id, world.office_a.id}
    listed = get(client, world, "office_a", f"/api/v1/drills?status=overdue&school_id={world.school_a.id}",
                 local(2026, 12, 1, 9))
    assert listed.status_code == 200
    assert [d["period_key"] for d in listed.json["items"]] == ["2026-09", "2026-10", "2026-11"]
    assert listed.headers["X-Total-Count"] == "3"


# --- reports ----------------------------------------------------------------------------------------------

def test_report_flags_a_slow_evacuation_and_keeps_its_photos(client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    sa, sc = drill(world.school_a, "2026-11"), drill(world.school_c, "2026-11")
    moment = local(2026, 11, 12, 15)
    with frozen(moment):
        photo = upload_photo(client, headers(world, "officer_a", moment), jpeg_bytes(seed=7)).json
    response = post_report(client, world, "officer_a", sa.id, moment, notes="二楼东侧楼梯拥堵", photo_ids=[photo["id"]],
                           evacuations=[{"building": "教学楼", "floors": 4, "seconds": 131}])
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["status"], body["flags"], body["held_on_time"]) == ("reported", ["slow_evacuation", "no_plan"],
                                                                      True)
    assert (body["student_count"], body["evacuation_seconds"], body["notes"]) == (420, 131, "二楼东侧楼梯拥堵")
    assert body["reported_by_id"] == world.officer_a.id and body["hazards"] == []
    assert [p["id"] for p in body["photos"]] == [photo["id"]]
    # five-floor buildings: no national threshold, and none set for the region
    ok = post_report(client, world, "principal_c", sc.id, moment,
                     evacuations=[{"building": "教学楼", "floors": 5, "seconds": 131}])
    assert ok.status_code == 200 and ok.json["flags"] == ["no_plan"]
    # the principal may see the photo now that the drill names it
    auth = headers(world, "principal_a", moment)
    with frozen(moment), client.get(f"/api/v1/photos/{photo['id']}?size=thumb", headers=auth) as shown:
        assert shown.status_code == 200
    again = post_report(client, world, "principal_a", sa.id, moment)
    assert again.status_code == 409 and again.json["error"]["code"] == "wrong_state"


def test_an_overdue_drill_may_still_be_reported_and_is_flagged_late(client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    run(REMIND, local(2026, 11, 10))
    september, october = drill(world.school_a, "2026-09"), drill(world.school_a, "2026-10")
    assert september.status == october.status == DrillStatus.overdue
    # held in September, only reported now: on time, reported late
    held = post_report(client, world, "principal_a", september.id, local(2026, 11, 11),
                       conducted_at=local(2026, 9, 25, 15).isoformat())
    assert held.status_code == 200, held.json
    assert held.json["flags"] == ["late_report", "no_plan"] and held.json["held_on_time"] is True
    # held only now: late
    late = post_report(client, world, "principal_a", october.id, local(2026, 11, 11))
    assert late.json["flags"] == ["late", "late_report", "no_plan"] and late.json["held_on_time"] is False


def test_report_times_must_fit_the_window_and_the_clock(client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    nov = drill(world.school_a, "2026-11")
    early = post_report(client, world, "principal_a", nov.id, local(2026, 11, 10),
                        conducted_at=local(2026, 10, 30).isoformat())
    future = post_report(client, world, "principal_a", nov.id, local(2026, 11, 10),
                         conducted_at=local(2026, 11, 12).isoformat())
    assert early.status_code == future.status_code == 422
    assert "conducted_at" in early.json["error"]["fields"] and "conducted_at" in future.json["error"]["fields"]
    missing = post_report(client, world, "principal_a", nov.id, local(2026, 11, 10), student_count=None)
    assert missing.status_code == 422
    nobody = post_report(client, world, "principal_a", nov.id, local(2026, 11, 10), student_count=0, staff_count=0)
    assert nobody.status_code == 422 and "student_count" in nobody.json["error"]["fields"]


def test_improvements_found_in_a_drill_open_hazards(client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    nov = drill(world.school_a, "2026-11")
    moment = local(2026, 11, 13, 16)
    response = post_report(client, world, "officer_a", nov.id, moment, improvements=[
        {"text": "二楼应急照明灯不亮", "description": "演练时发现", "action": "hazard"},
        {"text": "安全出口被杂物堵塞", "grade": "major", "category": "evacuation_route", "action": "hazard"}])
    assert response.status_code == 200, response.json
    opened = response.json["hazards"]
    assert [(h["title"], h["grade"]) for h in opened] == [("二楼应急照明灯不亮", "general"),
                                                         ("安全出口被杂物堵塞", "major")]
    hazards = db.session.scalars(select(Hazard).order_by(Hazard.id)).all()
    assert [(h.source, h.school_id, h.reporter_id) for h in hazards] == [
        (HazardSource.drill, world.school_a.id, world.officer_a.id)] * 2
    listed = get(client, world, "principal_a", "/api/v1/hazards?source=drill", moment)
    assert {h["id"] for h in listed.json["items"]} == {h["id"] for h in opened}


# --- compliance -------------------------------------------------------------------------------------------

def test_compliance_per_school_and_district(client, school_year):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    moment = local(2026, 11, 25)
    for school, key, who, held_on in [
        (world.school_a, "2026-09", "principal_a", local(2026, 9, 20)),
        (world.school_a, "2026-10", "principal_a", local(2026, 11, 5)),   # after its window: late
        (world.school_b, "2026-Q3", "principal_b", local(2026, 9, 10)),
        (world.school_c, "2026-09", "principal_c", local(2026, 9, 11)),
        (world.school_c, "2026-10", "principal_c", local(2026, 10, 20)),
        (world.school_c, "2026-11", "principal_c", local(2026, 11, 18)),
    ]:
        response = post_report(client, world, who, drill(school, key).id, moment, conducted_at=held_on.isoformat())
        assert response.status_code == 200, response.json
    run(REMIND, local(2026, 12, 2))
    moment = local(2026, 12, 2)
    args = "since=2026-09-01&until=2026-11-30"
    report = get(client, world, "city_office", f"/api/v1/drills/compliance?{args}", moment).json
    schools = {s["code"]: (s["required"], s["on_time"], s["late"], s["missed"], s["rate"]) for s in report["schools"]}
    assert schools == {"SA": (3, 1, 1, 1, 33.3), "SB": (1, 1, 0, 0, 100.0), "SC": (3, 3, 0, 0, 100.0)}
    districts = {d["code"]: (d["required"], d["on_time"], d["rate"]) for d in report["districts"]}
    assert districts == {"DA": (4, 2, 50.0), "DB": (3, 3, 100.0)}
    assert report["overall"] == {"required": 7, "on_time": 5, "late": 1, "missed": 1, "rate": 71.4}
    assert report["since"] == "2026-09-01" and report["until"] == "2026-11-30"
    # the window that has not ended yet is not required yet
    december = get(client, world, "city_office", "/api/v1/drills/compliance?since=2026-12-01&until=2026-12-31",
                   moment).json
    assert december["overall"]["required"] == 0 and december["overall"]["rate"] is None

    office_b = get(client, world, "office_b", f"/api/v1/drills/compliance?{args}", moment).json
    assert [s["code"] for s in office_b["schools"]] == ["SC"] and [d["code"] for d in office_b["districts"]] == ["DB"]
    region = get(client, world, "city_office", f"/api/v1/drills/compliance?{args}&region_id={world.district_a.id}",
                 moment).json
    assert [s["code"] for s in region["schools"]] == ["SA", "SB"]
    one = get(client, world, "principal_a", f"/api/v1/drills/compliance?{args}&school_id={world.school_a.id}",
              moment).json
    assert one["overall"]["rate"] == 33.3 and [d["name"] for d in one["districts"]] == ["甲区"]


# --- scoping and calendars --------------------------------------------------------------------------------

@pytest.mark.parametrize("who,visible", [
    ("admin", {"SA", "SB", "SC"}), ("city_office", {"SA", "SB", "SC"}), ("office_a", {"SA", "SB"}),
    ("office_b", {"SC"}), ("principal_a", {"SA"}), ("officer_a", {"SA"}), ("district_inspector_a", {"SA", "SB"}),
])
def test_drills_are_scoped_to_the_schools_one_sees(client, school_year, who, visible):
    world = school_year
    run(ASSIGN, local(2026, 11, 10))
    codes = {"SA": world.school_a, "SB": world.school_b, "SC": world.school_c}
    moment = local(2026, 11, 12)
    auth = headers(world, who, moment)
    with frozen(moment):
        listed = client.get("/api/v1/drills?per_page=200", headers=auth).json["items"]
        assert {s.id for s in codes.values() if s.id in {d["school_id"] for d in listed}} == {
            codes[c].id for c in visible}
        for code, school in codes.items():
            nov = drill(school, "2026-11" if code != "SB" else "2026-Q4")
            expected = 200 if code in visible else 404
            assert client.get(f"/api/v1/drills/{nov.id}", headers=auth).status_code == expected, code
            if code not in visible:
                body = {"conducted_at": moment.isoformat(), **RECORD}
                response = client.post(f"/api/v1/drills/{nov.id}/report", json=body, headers=auth)
                assert response.status_code == 404, code
                compliance = client.get(f"/api/v1/drills/compliance?school_id={school.id}", headers=auth)
                assert compliance.status_code == 404, code


def test_offices_keep_their_own_calendars(client, school_year):
    world = school_year
    period = {"kind": "holiday", "name_zh": "运动会调休", "starts_on": "2026-11-16", "ends_on": "2026-11-17"}
    created = client.post("/api/v1/calendars", json={**period, "region_id": world.district_a.id},
                          headers=world.headers("office_a"))
    assert created.status_code == 201, created.json
    assert created.json["name"] == "运动会调休"
    assert client.post("/api/v1/calendars", json={**period, "region_id": world.district_a.id},
                       headers=world.headers("office_a")).status_code == 409  # overlaps itself
    assert client.post("/api/v1/calendars", json={**period, "region_id": world.district_a.id},
                       headers=world.headers("principal_a")).status_code == 403
    assert client.post("/api/v1/calendars", json={**period, "region_id": world.district_a.id},
                       headers=world.headers("office_b")).status_code == 404
    reversed_ = {**period, "starts_on": "2026-11-18", "region_id": world.district_b.id}
    assert client.post("/api/v1/calendars", json=reversed_, headers=world.headers("office_b")).status_code == 422

    listed = client.get(f"/api/v1/calendars?region_id={world.district_a.id}", headers=world.headers("office_a"))
    assert [p["id"] for p in listed.json["items"]] == [created.json["id"]]
    readable = client.get("/api/v1/calendars", headers=world.headers("office_b")).json["items"]
    assert {p["region_id"] for p in readable} == {world.city.id}  # the city calendar SC follows, not DA's
    city_period = readable[0]["id"]
    assert client.delete(f"/api/v1/calendars/{city_period}", headers=world.headers("office_a")).status_code == 403
    assert client.delete(f"/api/v1/calendars/{created.json['id']}",
                         headers=world.headers("office_b")).status_code == 404
    assert client.delete(f"/api/v1/calendars/{created.json['id']}",
                         headers=world.headers("office_a")).status_code == 204
    assert client.get(f"/api/v1/calendars?region_id={world.district_a.id}",
                      headers=world.headers("office_a")).json["items"] == []
