"""Monthly returns through the scheduler and HTTP: opened when the month ends, drafted from the month's data,
submitted explicitly (nil returns, late returns), the district's view, sums, forwarding and the XLSX."""
import io
import uuid
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from safety.core.clock import frozen
from safety.extensions import db
from safety.hazards.models import Hazard, HazardStatus
from safety.returns.models import MonthlyReturn
from safety.rounds.models import Round, RoundStatus
from tests.drills.test_drills_api import local, run
from tests.factories import answers
from tests.rounds.test_rounds import get, inspect

OCTOBER = "2026-10"


def fail_access(client, world, point, moment):
    """An inspection whose access item fails: it opens a general hazard."""
    version = point.template.current_version
    access = next(i.id for i in version.items if i.key == "access")
    results = [r if r["item_id"] != access else {"item_id": access, "outcome": "fail", "value": "blocked"}
               for r in answers(version)]
    body = {"client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
            "started_at": (moment - timedelta(minutes=2)).isoformat(), "submitted_at": moment.isoformat(),
            "results": results}
    with frozen(moment):
        response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201 and len(response.json["hazards"]) == 1, response.json
    return response.json["hazards"][0]["id"]


@pytest.fixture
def october(client, campus):
    """School A's October: rounds of its last week, three inspections, three hazards (one still open, one closed
    on the spot, one rectified); B and C found nothing."""
    run("create_rounds", local(2026, 10, 30, 9))
    inspect(client, campus, campus.points["gate"], local(2026, 10, 12, 10))
    open_one = fail_access(client, campus, campus.points["gate"], local(2026, 10, 13, 10))
    on_spot = fail_access(client, campus, campus.points["corridor"], local(2026, 10, 14, 10))
    rectified = fail_access(client, campus, campus.points["extinguisher"], local(2026, 9, 28, 10))
    # Closing through the rectify/verify flow is tested with the hazards; here only the closure's shape matters.
    db.session.execute(update(Hazard).where(Hazard.id == on_spot)
                       .values(status=HazardStatus.closed, closed_at=local(2026, 10, 14, 11), deadline=None,
                               on_the_spot=True))
    db.session.execute(update(Hazard).where(Hazard.id == rectified)
                       .values(status=HazardStatus.closed, closed_at=local(2026, 10, 20, 11)))
    db.session.commit()
    for name in ("gate", "corridor"):
        inspect(client, campus, campus.points[name], local(2026, 10, 30, 10))
    run("close_rounds", local(2026, 11, 1, 1))
    run("open_monthly_returns", local(2026, 11, 1, 1))
    campus.open_hazard = open_one
    return campus


def submit(client, world, who, school, moment, month=OCTOBER, remarks="本月无重大隐患"):
    with frozen(moment):
        return client.post(f"/api/v1/schools/{school.id}/returns/{month}/submit", json={"remarks": remarks},
                           headers=world.headers(who))


def rounds_in_october(school, status) -> int:
    return db.session.scalar(select(func.count(Round.id)).where(
        Round.school_id == school.id, Round.status == status, Round.window_end > local(2026, 10, 1, 0),
        Round.window_end <= local(2026, 11, 1, 0)))


def test_the_draft_is_the_months_data(client, october):
    draft = get(client, october, "principal_a", f"/api/v1/schools/{october.school_a.id}/returns/{OCTOBER}",
                local(2026, 11, 2))
    assert draft.status_code == 200
    figures = draft.json["figures"]
    assert {k: figures[k] for k in ("inspections", "hazards_found", "hazards_closed_on_spot", "hazards_rectified",
                                    "hazards_open", "hazards_overdue", "drills_held")} == {
        "inspections": 5, "hazards_found": 2, "hazards_closed_on_spot": 1, "hazards_rectified": 1,
        "hazards_open": 1, "hazards_overdue": 1, "drills_held": 0}  # a general hazard has 7 days
    assert figures["rounds_done"] == rounds_in_october(october.school_a, RoundStatus.done) == 1
    assert figures["rounds_missed"] == rounds_in_october(october.school_a, RoundStatus.missed) > 0
    assert draft.json["status"] == "pending" and draft.json["nil_return"] is False
    assert datetime.fromisoformat(draft.json["due_at"]) == local(2026, 11, 6, 0)  # the end of the 5th


def test_submitting_freezes_the_figures_and_a_month_with_nothing_found_is_a_nil_return(client, october):
    sent = submit(client, october, "principal_a", october.school_a, local(2026, 11, 3))
    assert sent.status_code == 200 and sent.json["status"] == "submitted" and not sent.json["late"]
    assert sent.json["remarks"] == "本月无重大隐患" and sent.json["figures"]["hazards_found"] == 2
    inspect(client, october, october.points["gate"], local(2026, 10, 31, 10))  # arrives after submission
    again = get(client, october, "principal_a", f"/api/v1/schools/{october.school_a.id}/returns/{OCTOBER}",
                local(2026, 11, 4)).json
    assert again["figures"] == sent.json["figures"]
    nil = submit(client, october, "principal_b", october.school_b, local(2026, 11, 3), remarks="")
    assert nil.status_code == 200 and nil.json["nil_return"] is True
    assert submit(client, october, "principal_a", october.school_a, local(2026, 11, 4)).json["error"]["code"] \
        == "already_submitted"


def test_who_may_submit_and_see(client, october):
    path = f"/api/v1/schools/{october.school_a.id}/returns/{OCTOBER}"
    assert get(client, october, "principal_c", path, local(2026, 11, 2)).status_code == 404
    assert submit(client, october, "principal_a", october.school_b, local(2026, 11, 3)).status_code == 404
    assert submit(client, october, "officer_a", october.school_a, local(2026, 11, 3)).status_code == 403
    early = submit(client, october, "principal_a", october.school_a, local(2026, 11, 3), month="2026-11")
    assert early.status_code == 409 and early.json["error"]["code"] == "month_not_over"
    assert get(client, october, "principal_a", f"/api/v1/schools/{october.school_a.id}/returns/0000-01",
               local(2026, 11, 2)).status_code == 404
    assert get(client, october, "principal_a", f"/api/v1/schools/{october.school_a.id}/returns/2026-13",
               local(2026, 11, 2)).status_code == 404
    listed = get(client, october, "principal_c", "/api/v1/returns?per_page=200", local(2026, 11, 2)).json
    assert listed["total"] == 3 and {r["school_id"] for r in listed["items"]} == {october.school_c.id}


def test_late_returns_go_to_the_districts_queue(client, october):
    moment = local(2026, 11, 6, 9)
    submit(client, october, "principal_a", october.school_a, local(2026, 11, 3))
    late = get(client, october, "office_b", f"/api/v1/escalations?kind=return&school_id={october.school_c.id}",
               moment).json["items"]
    assert OCTOBER in {r["title"] for r in late}
    own = get(client, october, "office_a", "/api/v1/escalations?kind=return", moment).json["items"]
    assert (october.school_a.id, OCTOBER) not in {(r["school_id"], r["title"]) for r in own}
    assert (october.school_b.id, OCTOBER) in {(r["school_id"], r["title"]) for r in own}
    sent = submit(client, october, "principal_c", october.school_c, local(2026, 11, 7))
    assert sent.json["late"] is True
    after = get(client, october, "office_b", "/api/v1/escalations?kind=return", local(2026, 11, 7, 12)).json["items"]
    assert OCTOBER not in {r["title"] for r in after if r["school_id"] == october.school_c.id}
    row = db.session.scalar(select(MonthlyReturn).where(MonthlyReturn.school_id == october.school_c.id,
                                                        MonthlyReturn.month == OCTOBER))
    assert row.late and row.nil_return


def test_the_district_sees_who_submitted_sums_them_forwards_and_exports(client, october):
    first = submit(client, october, "principal_a", october.school_a, local(2026, 11, 3)).json
    submit(client, october, "principal_b", october.school_b, local(2026, 11, 7))
    path = f"/api/v1/regions/{october.district_a.id}/returns/{OCTOBER}"
    moment = local(2026, 11, 8)
    report = get(client, october, "office_a", path, moment).json
    lines = {line["school_id"]: line for line in report["schools"]}
    assert lines[october.school_a.id]["status"] == "submitted" and lines[october.school_b.id]["late"]
    assert lines[october.school_b.id]["nil_return"] and lines[october.school_b.id]["figures"]["hazards_found"] == 0
    totals = report["totals"]
    assert (totals["schools_total"], totals["schools_submitted"], totals["schools_late"], totals["schools_nil"]) \
        == (2, 2, 1, 1)
    assert totals["inspections"] == first["figures"]["inspections"]
    assert get(client, october, "principal_a", path, moment).status_code == 403
    assert get(client, october, "office_b", path, moment).status_code == 404

    workbook = load_workbook(io.BytesIO(get(client, october, "office_a", path + "/xlsx", moment).data))
    rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0][0] == "甲区2026年10月校园安全隐患排查治理情况月报表"
    assert rows[2][:5] == ("代码", "学校", "报送情况", "备注", "完成巡查次数")
    by_code = {row[0]: row for row in rows[3:5]}
    assert by_code["SA"][2] == "已报" and by_code["SB"][3] == "逾期、零报告"
    assert rows[5][0] == "合计" and rows[5][2] == "2/2"

    with frozen(moment):
        forwarded = client.post(path + "/forward", json={"remarks": "已汇总"}, headers=october.headers("office_a"))
        twice = client.post(path + "/forward", json={}, headers=october.headers("office_a"))
    assert forwarded.status_code == 201 and forwarded.json["schools_submitted"] == 2
    assert twice.status_code == 409
    city = get(client, october, "city_office", f"/api/v1/regions/{october.city.id}/returns/{OCTOBER}", moment).json
    districts = {d["region_id"]: d for d in city["districts"]}
    assert districts[october.district_a.id]["forwarded_at"] and not districts[october.district_b.id]["forwarded_at"]
    assert districts[october.district_b.id]["schools_submitted"] == 0 and city["totals"]["schools_total"] == 3
    city_book = load_workbook(io.BytesIO(get(client, october, "city_office",
                                             f"/api/v1/regions/{october.city.id}/returns/{OCTOBER}/xlsx", moment).data))
    forwarded_column = [row[3] for row in city_book.active.iter_rows(min_row=4, max_row=5, values_only=True)]
    assert forwarded_column == ["已报市", "未报市"]
