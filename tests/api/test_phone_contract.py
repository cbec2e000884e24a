"""The phone contract, driven only through a Python client generated from the served OpenAPI document
(openapi-python-client, unpatched) against a live server on a loopback port and the real test database.

No hand-written HTTP: every call is a generated function, every answer parses into its generated model.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import pkgutil
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from safety.core.clock import now
from safety.drills.models import Drill
from safety.drills.rules import load_rules
from safety.extensions import db
from tests.campaigns.conftest import at, build_season, campaign, only, run
from tests.conftest import served
from tests.factories import create_point, jpeg_bytes, scene

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "contract-pass-2026"
MOMENT = at(2027, 3, 5, 10)  # a school day of the spring term, with a drill due and an anti-bullying campaign on


@pytest.fixture(scope="module")
def generated(app, tmp_path_factory):
    """The client package, generated from what the app serves."""
    folder = tmp_path_factory.mktemp("client")
    (folder / "openapi.json").write_bytes(app.test_client().get("/api/v1/openapi.json").data)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path",
         str(folder / "openapi.json"), "--meta", "none", "--config", str(ROOT / "tools/openapi-python-client.yaml"),
         "--output-path", str(folder / "safety_client")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module("safety_client.api")
        for module in pkgutil.walk_packages(package.__path__, "safety_client.api."):  # every operation imports
            importlib.import_module(module.name)
        yield importlib.import_module("safety_client")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == "safety_client" or m.startswith("safety_client.")]:
            del sys.modules[name]


@pytest.fixture
def base_url(app):
    with served(app) as url:
        yield url


def heic_bytes() -> bytes:
    import pillow_heif
    from PIL import Image
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), (30, 120, 60)).save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


class Phone:
    """One logged-in user of the generated client."""

    def __init__(self, generated, base_url: str, username: str):
        self.g = generated
        from safety_client.api.accounts import accounts_login
        from safety_client.models import LoginIn, LoginOut
        anonymous = generated.Client(base_url=base_url)
        answer = accounts_login.sync_detailed(client=anonymous, body=LoginIn(username=username, password=PASSWORD))
        assert answer.status_code == 200 and isinstance(answer.parsed, LoginOut)
        self.client = generated.AuthenticatedClient(base_url=base_url, token=answer.parsed.access_token)

    def call(self, operation, *args, status: int, model=None, **kwargs):
        answer = operation.sync_detailed(*args, client=self.client, **kwargs)
        assert answer.status_code == status, answer.content[:500]
        if model is not None:
            assert isinstance(answer.parsed, model), answer.parsed
        return answer.parsed


@pytest.fixture
def contract_world(world, monkeypatch):
    from safety.accounts.passwords import hash_password
    monkeypatch.setenv("SAFETY_FROZEN_NOW", MOMENT.isoformat())  # one clock for the test and the live server
    for user in (world.officer_a, world.principal_a, world.office_a):
        user.password_hash = hash_password(PASSWORD)
    point = create_point(world.school_a, code="A-1F-EXT-01", latitude=30.27, longitude=120.15)
    build_season(world)  # the city's 2027 calendar
    only("anti_bullying")
    db.session.commit()
    run("campaign_calendar", at(2027, 2, 22, 0, 30))
    run("assign_drills", MOMENT)
    drill = db.session.scalar(select(Drill).where(Drill.school_id == world.school_a.id,
                                                  Drill.window_start <= MOMENT, Drill.window_end > MOMENT))
    facts = {"qr_token": point.qr_token, "point_id": point.id, "officer_id": world.officer_a.id,
             "drill_id": drill.id, "drill_phases": [p.key for p in load_rules().kinds[drill.kind].phases],
             "campaign_id": campaign("anti_bullying").id, "school_code": world.school_a.code}
    db.session.rollback()  # no read transaction left open: on SQLite it would block the server's writes
    return facts


def test_the_phone_contract_through_the_generated_client(generated, base_url, contract_world):
    from safety_client.api.campaigns import campaigns_progress
    from safety_client.api.drills import drills_report
    from safety_client.api.escalations import escalations_action, escalations_list
    from safety_client.api.hazards import (
        hazards_assign,
        hazards_get,
        hazards_public_report,
        hazards_rectify,
        hazards_verify,
    )
    from safety_client.api.inspections import inspections_create, inspections_get, inspections_sync
    from safety_client.api.photos import photos_upload
    from safety_client.api.points import points_scan
    from safety_client.models import (
        AssignIn,
        DrillReportIn,
        DrillReportInMode,
        DrillReportInPlace,
        DrillReportInTimeOfDay,
        DrillReportOut,
        Error,
        EscalationActionIn,
        EscalationActionInAction,
        EvacuationIn,
        Hazard,
        InspectionDetail,
        InspectionIn,
        Photo,
        PhotoUploadIn,
        Progress,
        PublicReportInForm,
        PublicReportOut,
        QueuePage,
        RectifyIn,
        ResultIn,
        ResultInOutcome,
        Scan,
        SyncIn,
        SyncOut,
        VerifyIn,
    )
    from safety_client.types import File
    facts = contract_world
    inspector = Phone(generated, base_url, "officer_a")

    # scan: the point, its checklist, no inspection yet
    scan = inspector.call(points_scan, facts["qr_token"], status=200, model=Scan)
    version = scan.checklist
    items = {item.key: item for item in version.items}

    # photos: HEIC and JPEG, told apart by their bytes
    heic = inspector.call(photos_upload, body=PhotoUploadIn(file=File(io.BytesIO(heic_bytes()), "a.heic")),
                          status=201, model=Photo)
    jpeg = inspector.call(photos_upload, body=PhotoUploadIn(file=File(io.BytesIO(jpeg_bytes(seed=1)), "b.jpg")),
                          status=201, model=Photo)
    assert heic.mime.startswith("image/hei") and jpeg.mime == "image/jpeg"
    assert scan.last_inspection is None

    def answers(**overrides):
        """A passing answer for every item; `overrides` by item key."""
        values = {"number": 1.0, "choice": "clear", "text": "无"}
        rows = []
        for key, item in items.items():
            row = overrides.get(key) or ResultIn(item_id=0, outcome=ResultInOutcome.PASS)
            if key not in overrides and item.kind.value in values:
                row.value = values[item.kind.value]
            row.item_id = item.id
            rows.append(row)
        return rows

    started = now() - timedelta(minutes=5)

    def submission(results, **fields):
        return InspectionIn(client_uuid=uuid.uuid4(), point_id=facts["point_id"], template_version_id=version.id,
                            started_at=started, submitted_at=started + timedelta(minutes=3), results=results,
                            **fields)

    # an inspection with a failed item: 201 and a hazard; the replay: 200, the same inspection; changed: 409
    failed = submission(answers(gauge=ResultIn(item_id=0, outcome=ResultInOutcome.FAIL, photos=[heic.id, jpeg.id])))
    first = inspector.call(inspections_create, body=failed, status=201, model=InspectionDetail)
    assert first.failed_count == 1 and len(first.hazards) == 1
    replay = inspector.call(inspections_create, body=failed, status=200, model=InspectionDetail)
    assert replay.id == first.id
    failed.note = "改过了"
    conflict = inspector.call(inspections_create, body=failed, status=409, model=Error)
    assert conflict.error.code == "client_uuid_reused"

    # a photo named by its SHA-256 before it is uploaded: awaiting photos, complete once it arrives
    later = jpeg_bytes(seed=2)
    waiting = inspector.call(inspections_create, status=201, model=InspectionDetail, body=submission(answers(
        gauge=ResultIn(item_id=0, outcome=ResultInOutcome.FAIL, photos=[hashlib.sha256(later).hexdigest()]))))
    assert waiting.status.value == "awaiting_photos"
    inspector.call(photos_upload, body=PhotoUploadIn(file=File(io.BytesIO(later), "later.jpg")), status=201,
                   model=Photo)
    done = inspector.call(inspections_get, waiting.id, status=200, model=InspectionDetail)
    assert done.status.value == "complete" and done.missing_photos == []

    # /sync: one good submission and one for a point that does not exist; each kept or rejected on its own
    bad = submission(answers())
    bad.point_id = 2**31 - 1
    synced = inspector.call(inspections_sync, body=SyncIn(inspections=[submission(answers()), bad]), status=200,
                            model=SyncOut)
    assert (synced.created, synced.rejected) == (1, 1), [r.to_dict() for r in synced.results]
    assert isinstance(synced.results[0].inspection, InspectionDetail)
    assert synced.results[1].status >= 400 and synced.results[1].error.code

    # the principal assigns, the inspector rectifies with a photo, the principal verifies
    hazard_id = first.hazards[0].id
    principal = Phone(generated, base_url, "principal_a")
    principal.call(hazards_assign, hazard_id, body=AssignIn(assignee_id=facts["officer_id"], note="请整改"),
                   status=200, model=Hazard)
    # the district office: its queue, and a comment on the open hazard
    office = Phone(generated, base_url, "office_a")
    office.call(escalations_list, status=200, model=QueuePage)
    commented = office.call(escalations_action, hazard_id, status=200, model=Hazard, body=EscalationActionIn(
        action=EscalationActionInAction.COMMENT, note="请抓紧"))
    assert commented.events[-1].action == "comment"
    fixed = inspector.call(photos_upload, body=PhotoUploadIn(file=File(io.BytesIO(scene(4)), "fixed.jpg")),
                           status=201, model=Photo)  # the hazard's own photos cannot prove it rectified
    inspector.call(hazards_rectify, hazard_id, body=RectifyIn(note="已更换", photos=[fixed.id]), status=200,
                   model=Hazard)
    closed = principal.call(hazards_verify, hazard_id, body=VerifyIn(accepted=True, note="合格"), status=200,
                            model=Hazard)
    assert closed.status.value == "closed"
    assert principal.call(hazards_get, hazard_id, status=200, model=Hazard).closed_at is not None

    # the principal reports this month's drill, held an hour ago; the office follows the campaign's progress
    drill_photo = principal.call(photos_upload, body=PhotoUploadIn(file=File(io.BytesIO(scene(5)), "drill.jpg")),
                                 status=201, model=Photo)
    drill = principal.call(drills_report, facts["drill_id"], status=200, model=DrillReportOut, body=DrillReportIn(
        conducted_at=MOMENT - timedelta(hours=1), scenario="校园入侵者", mode=DrillReportInMode.ANNOUNCED,
        time_of_day=DrillReportInTimeOfDay.CLASS_TIME, place=DrillReportInPlace.TEACHING_BUILDING, staff_count=30,
        student_count=420, head_count_done=True, review="撤离有序", phases=facts["drill_phases"],
        evacuations=[EvacuationIn(building="教学楼", floors=4, seconds=95)], photo_ids=[drill_photo.id]))
    assert (drill.id, drill.status.value, drill.held_on_time) == (facts["drill_id"], "reported", True)
    assert [p.id for p in drill.photos] == [drill_photo.id]
    progress = office.call(campaigns_progress, facts["campaign_id"], status=200, model=Progress)
    assert progress.campaign.id == facts["campaign_id"]
    assert facts["school_code"] in [school.code for school in progress.schools]

    # anyone at the point's code reports a problem with a photo (multipart, no token)
    anonymous = generated.Client(base_url=base_url)
    report = hazards_public_report.sync_detailed(facts["qr_token"], client=anonymous, body=PublicReportInForm(
        description="楼梯扶手松动，很危险", file=File(io.BytesIO(jpeg_bytes(seed=3)), "report.jpg")))
    assert report.status_code == 202 and isinstance(report.parsed, PublicReportOut)
    assert report.parsed.received is True and report.parsed.reference.startswith("H")
