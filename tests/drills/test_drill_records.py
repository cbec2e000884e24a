"""A drill record through HTTP: every field, the plan file, night and earthquake drills, building heights, and
improvements that become hazards (through the hazards domain) or tasks with an owner."""
import io
import zipfile
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import select, update

from safety.audit.models import AuditEvent
from safety.core.clock import frozen
from safety.drills import services
from safety.drills.models import Drill, DrillKind
from safety.extensions import db
from safety.hazards.models import Hazard, HazardEvent, HazardSource
from safety.schools.models import School
from tests.drills.test_drills_api import ASSIGN, drill, get, headers, local, post_report, run

MOMENT = local(2026, 11, 12, 15)


def pdf_bytes(text="演练方案") -> bytes:
    out = io.BytesIO()
    Image.new("L", (200, 280), 255).save(out, "PDF", title=text)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def put_plan(client, world, who, drill_id, data, name="方案.pdf", moment=MOMENT):
    with frozen(moment):
        return client.put(f"/api/v1/drills/{drill_id}/plan", data={"file": (io.BytesIO(data), name)},
                          headers=headers(world, who, moment), content_type="multipart/form-data")


@pytest.fixture
def november(school_year):
    run(ASSIGN, local(2026, 11, 10))
    return drill(school_year.school_a, "2026-11")


def test_a_record_holds_every_field_and_the_plan(client, school_year, november):
    world, plan_file = school_year, pdf_bytes()
    plan = put_plan(client, world, "officer_a", november.id, plan_file)
    assert plan.status_code == 201, plan.json
    assert (plan.json["filename"], plan.json["mime"]) == ("方案.pdf", "application/pdf")
    record = {"scenario": "二楼化学实验室起火，烟雾蔓延至东侧走廊", "mode": "surprise", "time_of_day": "break_time",
              "place": "teaching_building", "staff_count": 42, "student_count": 860, "head_count_done": True,
              "evacuations": [{"building": "教学楼A", "floors": 4, "seconds": 98},
                              {"building": "实验楼", "floors": 3, "seconds": 75}],
              "injuries": 1, "injury_notes": "一名学生下楼时扭伤脚踝，校医现场处置",
              "review": "总体有序，东侧楼梯口稍有拥堵",
              "notes": "区应急管理局派员观摩"}
    response = post_report(client, world, "officer_a", november.id, MOMENT, **record)
    assert response.status_code == 200, response.json
    body = response.json
    for field, value in record.items():
        if field != "evacuations":
            assert body[field] == value, field
    assert [(e["building"], e["floors"], e["seconds"], e["slow"]) for e in body["evacuations"]] == [
        ("教学楼A", 4, 98, False), ("实验楼", 3, 75, False)]
    assert body["evacuation_seconds"] == 98 and body["flags"] == []
    assert body["plan"]["sha256"] and body["plan"]["byte_size"] == len(plan_file)
    again = get(client, world, "principal_a", f"/api/v1/drills/{november.id}", MOMENT).json
    assert again["scenario"] == record["scenario"] and again["review"] == record["review"]
    with frozen(MOMENT):
        download = client.get(f"/api/v1/drills/{november.id}/plan", headers=headers(world, "office_a", MOMENT))
    assert download.status_code == 200 and download.data == plan_file
    assert download.mimetype == "application/pdf"
    # a reported drill keeps its plan
    assert put_plan(client, world, "officer_a", november.id, pdf_bytes("另一份")).status_code == 409


def test_plans_must_be_pdf_or_word_and_not_too_large(client, monkeypatch, school_year, november):
    world = school_year
    monkeypatch.setattr(services, "PLAN_MAX_BYTES", 50_000)  # a small limit keeps the test body in memory
    assert put_plan(client, world, "officer_a", november.id, docx_bytes(), "方案.docx").status_code == 201
    text = put_plan(client, world, "officer_a", november.id, "演练方案".encode(), "方案.pdf")
    assert text.status_code == 415 and text.json["error"]["code"] == "unsupported_media"
    broken_zip = put_plan(client, world, "officer_a", november.id, b"PK\x03\x04broken", "方案.docx")
    assert broken_zip.status_code == 415
    huge = put_plan(client, world, "officer_a", november.id, b"%PDF-1.4\n" + b"0" * 60_000 + b"%%EOF")
    assert huge.status_code == 413
    # the Word file stayed, the rejected ones left nothing behind
    shown = get(client, world, "principal_a", f"/api/v1/drills/{november.id}", MOMENT).json["plan"]
    assert shown["filename"] == "方案.docx"
    other_school = put_plan(client, world, "principal_c", november.id, pdf_bytes())
    assert other_school.status_code == 404


def test_missing_plan_head_count_and_phases_are_flagged(client, school_year, november):
    world = school_year
    db.session.execute(update(Drill).where(Drill.id == november.id).values(kind=DrillKind.earthquake))
    db.session.commit()
    response = post_report(client, world, "principal_a", november.id, MOMENT, head_count_done=False,
                           phases=["take_cover", "evacuate"])
    assert response.status_code == 200, response.json
    assert response.json["flags"] == ["no_plan", "no_head_count", "phases_skipped"]
    assert response.json["phases"] == ["take_cover", "evacuate"]


def test_an_unknown_phase_is_refused_and_nothing_is_written(client, school_year, november):
    db.session.execute(update(Drill).where(Drill.id == november.id).values(kind=DrillKind.fire))
    db.session.commit()
    response = post_report(client, school_year, "principal_a", november.id, MOMENT, phases=["take_cover"])
    assert response.status_code == 422 and "phases.0" in response.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Drill, november.id).status.value == "assigned"


def test_a_night_drill_counts_only_at_night_or_nap_time_in_the_dormitory(client, school_year):
    world = school_year
    db.session.execute(update(School).where(School.id == world.school_a.id).values(boarding=True))
    db.session.commit()
    run(ASSIGN, local(2026, 11, 10))
    night = drill(world.school_a, "2026-autumn", "night")
    assert night is not None
    daytime = post_report(client, world, "principal_a", night.id, MOMENT, time_of_day="class_time",
                          place="teaching_building")
    assert daytime.status_code == 422
    assert {"time_of_day", "place"} <= set(daytime.json["error"]["fields"])
    held = post_report(client, world, "principal_a", night.id, local(2026, 11, 12, 22), time_of_day="night",
                       place="dormitory", conducted_at=local(2026, 11, 11, 21, 30).isoformat(),
                       scenario="宿舍三楼配电箱冒烟",
                       evacuations=[{"building": "学生宿舍1栋", "floors": 5, "seconds": 170}])
    assert held.status_code == 200, held.json
    assert (held.json["requirement"], held.json["time_of_day"], held.json["place"]) == ("night", "night",
                                                                                        "dormitory")


def test_taller_buildings_are_judged_by_their_region_threshold(app, monkeypatch, client, school_year, november):
    world = school_year
    monkeypatch.setitem(app.config, "DRILL_RULES", {"taller_buildings": {"seconds": {"DA": 180}}})
    response = post_report(client, world, "principal_a", november.id, MOMENT, evacuations=[
        {"building": "教学楼", "floors": 4, "seconds": 119}, {"building": "综合楼", "floors": 7, "seconds": 181}])
    assert response.status_code == 200, response.json
    assert [e["slow"] for e in response.json["evacuations"]] == [False, True]
    assert "slow_evacuation" in response.json["flags"]
    sc = drill(world.school_c, "2026-11")  # district DB set no figure: a seven-floor building is not judged
    other = post_report(client, world, "principal_c", sc.id, MOMENT,
                        evacuations=[{"building": "综合楼", "floors": 7, "seconds": 400}])
    assert other.json["evacuations"][0]["slow"] is False


def test_an_improvement_becomes_a_hazard_through_the_hazards_domain(client, school_year, november):
    world = school_year
    response = post_report(client, world, "officer_a", november.id, MOMENT, improvements=[
        {"text": "东侧楼梯应急照明灯不亮", "action": "hazard", "description": "疏散时光线不足", "grade": "general"}])
    assert response.status_code == 200, response.json
    [improvement] = response.json["improvements"]
    [opened] = response.json["hazards"]
    assert improvement["action"] == "hazard" and improvement["hazard_id"] == opened["id"]
    hazard = db.session.get(Hazard, opened["id"])
    assert (hazard.source, hazard.school_id, hazard.title) == (HazardSource.drill, world.school_a.id,
                                                              "东侧楼梯应急照明灯不亮")
    events = db.session.scalars(select(HazardEvent.action).where(HazardEvent.hazard_id == hazard.id)).all()
    assert events == ["opened"]  # written by hazards.services, with its history
    shown = get(client, world, "principal_a", f"/api/v1/hazards/{hazard.id}", MOMENT)
    assert shown.status_code == 200 and shown.json["title"] == "东侧楼梯应急照明灯不亮"


def test_an_improvement_becomes_a_task_with_an_owner(client, school_year, november):
    world = school_year
    stranger = post_report(client, world, "principal_a", november.id, MOMENT, improvements=[
        {"text": "补充疏散示意图", "action": "task", "owner_id": world.principal_c.id, "due_on": "2026-11-30"}])
    assert stranger.status_code == 422 and "improvements.0.owner_id" in stranger.json["error"]["fields"]
    undated = post_report(client, world, "principal_a", november.id, MOMENT, improvements=[
        {"text": "补充疏散示意图", "action": "task", "owner_id": world.officer_a.id}])
    assert undated.status_code == 422 and "improvements.0.due_on" in undated.json["error"]["fields"]

    response = post_report(client, world, "principal_a", november.id, MOMENT, improvements=[
        {"text": "补充疏散示意图", "action": "task", "owner_id": world.officer_a.id, "due_on": "2026-11-30"},
        {"text": "下次演练邀请消防站指导"}])
    assert response.status_code == 200, response.json
    task, note = response.json["improvements"]
    assert (task["owner_id"], task["due_on"], task["done_at"]) == (world.officer_a.id, "2026-11-30", None)
    assert note["action"] == "note" and note["owner_id"] is None and response.json["hazards"] == []

    done_path = f"/api/v1/drills/{november.id}/improvements/{task['id']}/done"
    later = local(2026, 11, 20)
    with frozen(later):
        assert client.post(done_path, json={"note": "x"}, headers=headers(world, "principal_c", later)) \
            .status_code == 404
        done = client.post(done_path, json={"note": "已张贴"}, headers=headers(world, "officer_a", later))
        assert done.status_code == 200, done.json
        assert done.json["done_note"] == "已张贴"
        assert datetime.fromisoformat(done.json["done_at"]) == later
        twice = client.post(done_path, json={}, headers=headers(world, "officer_a", later))
        assert twice.status_code == 409
        note_path = f"/api/v1/drills/{november.id}/improvements/{note['id']}/done"
        assert client.post(note_path, json={}, headers=headers(world, "principal_a", later)).status_code == 409
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "drill.improvement_done"))
    assert logged is not None and logged.actor_id == world.officer_a.id
