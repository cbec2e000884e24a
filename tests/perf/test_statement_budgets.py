"""Statement budgets: how many SQL statements a request issues must not grow with the rows it handles.

Counted through HTTP with SQLAlchemy's `before_cursor_execute` event, so every statement of the request —
authentication, scoping, writes, audit — is in the count. Behaviour, not timing: no test here measures time.
"""
from __future__ import annotations

import contextlib
import io
import uuid
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from safety.checklists.models import Category, Grade
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import Hazard, HazardSource, HazardStatus
from safety.points.models import Frequency, Point
from safety.schools.models import School
from tests.factories import create_point, create_template, jpeg_bytes, upload_photo


@contextlib.contextmanager
def counted():
    """The SQL statements the block sends to the database, in order."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, executemany):
        statements.append(statement)

    db.session.expunge_all()  # as in production, the request starts with nothing loaded
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def items(n: int) -> list[dict]:
    return [{"key": f"item_{i}", "kind": "pass_fail", "text_zh": f"检查项 {i}", "text_en": f"Item {i}"}
            for i in range(n)]


def submission(point, outcomes: list[str]) -> dict:
    version = point.template.current_version
    started = now() - timedelta(minutes=5)
    return {"client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
            "started_at": started.isoformat(), "submitted_at": (started + timedelta(minutes=3)).isoformat(),
            "results": [{"item_id": item.id, "outcome": outcome} for item, outcome in zip(version.items, outcomes,
                                                                                           strict=True)]}


def submit_counted(client, headers: dict, school_id: int, size: int, failures: int, photo=None) -> list[str]:
    point = create_point(db.session.get(School, school_id), template=create_template(items=items(size)))
    db.session.commit()
    body = submission(point, ["fail"] * failures + ["pass"] * (size - failures))
    for result in body["results"] if photo else []:
        result["photos"] = [photo["id"], photo["sha256"]]
    with counted() as statements:
        response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 201, response.json
    assert len(response.json["results"]) == size and response.json["failed_count"] == failures
    return statements


@pytest.mark.parametrize("failures", [0, 1])
def test_a_50_item_submission_costs_what_a_10_item_one_does(client, world, failures):
    headers, school_id = world.headers("officer_a"), world.school_a.id
    small = submit_counted(client, headers, school_id, 10, failures)
    large = submit_counted(client, headers, school_id, 50, failures)
    assert len(large) == len(small), (small, large)


def test_a_submission_stays_within_its_budget(client, world):
    """The phones' busiest request: one round trip per table, each listed so a new one is a visible decision."""
    statements = submit_counted(client, world.headers("officer_a"), world.school_a.id, 10, 0)
    assert len(statements) <= SUBMIT_BUDGET, "\n\n".join(statements)
    assert not any(s.startswith(("SAVEPOINT", "SELECT inspection_results", "SELECT checklist")) for s in statements)


SUBMIT_BUDGET = 6  # token+user+roles, replay check, point+version+items+template, the inspection, its results, point


def test_photos_on_every_result_cost_no_statement_per_result(client, world):
    headers, school_id = world.headers("officer_a"), world.school_a.id
    photo = upload_photo(client, headers, jpeg_bytes(seed=5)).json
    small = submit_counted(client, headers, school_id, 10, 0, photo)
    large = submit_counted(client, headers, school_id, 50, 0, photo)
    assert len(large) == len(small), (small, large)


def add_hazards(school_id: int, count: int, *, level: int = 0) -> None:
    """`count` open hazards at school A, each at its own point (so a per-row point load would show)."""
    template = create_template()
    db.session.flush()
    points = [Point(school_id=school_id, code=f"LP-{uuid.uuid4().hex[:8]}", name_zh=f"点位{n}",
                    category=Category.fire_equipment, frequency=Frequency.weekly, template_id=template.id)
              for n in range(count)]
    db.session.add_all(points)
    db.session.flush()
    moment = now()
    db.session.add_all(Hazard(school_id=school_id, point_id=point.id, category=Category.fire_equipment,
                              source=HazardSource.inspection, grade=Grade.general, status=HazardStatus.reported,
                              title=f"隐患{n}", level=level, escalated_at=moment if level else None,
                              deadline=moment + timedelta(days=n % 9 - 4), created_at=moment, updated_at=moment)
                       for n, point in enumerate(points))
    db.session.commit()


def ledger_counted(client, headers: dict, school_id: int, count: int, total: int) -> list[str]:
    add_hazards(school_id, count)
    with counted() as statements:
        response = client.get("/api/v1/hazards/ledger.xlsx", headers=headers)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + total and all(row[4] for row in rows[2:])  # every row names its point
    return statements


def test_a_ledger_of_200_hazards_costs_what_one_of_2_does(client, world):
    headers, school_id = world.headers("office_a"), world.school_a.id
    small = ledger_counted(client, headers, school_id, 2, total=2)
    large = ledger_counted(client, headers, school_id, 198, total=200)
    assert len(large) == len(small), (small, large)


def queue_counted(client, headers: dict, school_id: int, count: int) -> list[str]:
    add_hazards(school_id, count, level=1)
    with counted() as statements:
        response = client.get("/api/v1/escalations?per_page=50", headers=headers)
    assert response.status_code == 200
    assert response.json["total"] >= count and all(i["school"] for i in response.json["items"])
    return statements


def test_a_queue_page_of_50_costs_what_one_of_5_does(client, world):
    headers, school_id = world.headers("office_a"), world.school_a.id
    small = queue_counted(client, headers, school_id, 5)
    large = queue_counted(client, headers, school_id, 45)  # 50 on the page the second time
    assert len(large) == len(small), (small, large)


def test_scanning_a_point_stays_within_its_budget(client, world):
    """The cheapest request a phone makes: its statements, listed so a new one is a visible decision."""
    point = create_point(world.school_a)
    db.session.commit()
    headers, point_id, token = world.headers("officer_a"), point.id, point.qr_token
    with counted() as statements:
        response = client.get(f"/api/v1/scan/{token}", headers=headers)
    assert response.status_code == 200 and response.json["point"]["id"] == point_id
    assert len(statements) <= SCAN_BUDGET, "\n\n".join(statements)


SCAN_BUDGET = 6  # token+user+roles, point with its school and checklist, last inspection, hazards (2), school region
