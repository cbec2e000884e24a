"""What a submission keeps and flags, read back as a user would: readings stored as given, the distance allowance
east of the point as well as north, and a hazard overdue from one second after its deadline, not at it."""
from __future__ import annotations

import math
from datetime import timedelta

import pytest

from safety.core.clock import frozen, now
from safety.extensions import db
from safety.hazards.models import Hazard
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, jpeg_bytes, upload_photo
from tests.rules.test_inspection_rules_more import METRES_PER_DEGREE

SECOND = timedelta(seconds=1)


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="EDGE-3", latitude=30.27, longitude=120.15)
    db.session.commit()
    return point


def _submit(client, world, body):
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    assert response.status_code == 201, response.json
    return response.json


def test_readings_are_kept_as_given_a_number_as_a_number_and_words_as_words(client, world, point):
    version = point.template.current_version
    body = submission(point, results=answers(version, pressure={"outcome": "pass", "value": 1.25},
                                             access={"outcome": "pass", "value": "clear"},
                                             remarks={"outcome": "pass", "value": "灭火器箱门完好"}))
    created = _submit(client, world, body)
    shown = client.get(f"/api/v1/inspections/{created['id']}", headers=world.headers("principal_a")).json
    by_item = {next(i.key for i in version.items if i.id == r["item_id"]): (r["value_number"], r["value_text"])
               for r in shown["results"]}
    assert by_item == {"gauge": (None, None), "pressure": (1.25, None), "access": (None, "clear"),
                       "exit_locked": (None, None), "remarks": (None, "灭火器箱门完好")}


@pytest.mark.parametrize(("metres", "flags"), [(499.5, []), (500.5, ["far_from_point"])])
def test_the_distance_allowance_holds_due_east_too(client, world, point, metres, flags):
    longitude = 120.15 + metres / (METRES_PER_DEGREE * math.cos(math.radians(30.27)))
    body = submission(point, location={"latitude": 30.27, "longitude": longitude})
    assert _submit(client, world, body)["flags"] == flags


@pytest.mark.parametrize(("after", "overdue"), [(timedelta(0), False), (SECOND, True)])
def test_a_hazard_is_overdue_from_one_second_after_its_deadline(client, world, point, after, overdue):
    version = point.template.current_version
    blocked = answers(version, access={"outcome": "fail", "value": "blocked"})
    created = _submit(client, world, submission(point, results=blocked))
    [hazard] = created["hazards"]
    deadline = db.session.get(Hazard, hazard["id"]).deadline
    with frozen(deadline + after):
        listed = {h["id"] for h in client.get("/api/v1/hazards?overdue=true",
                                               headers=world.headers("principal_a")).json["items"]}
        kept = {h["id"] for h in client.get("/api/v1/hazards?overdue=false",
                                             headers=world.headers("principal_a")).json["items"]}
    assert (hazard["id"] in listed, hazard["id"] in kept) == (overdue, not overdue)
    assert now() < deadline  # the clock came back


def test_an_on_the_spot_fix_shows_the_result_not_the_photo_of_the_problem(client, world, point):
    officer = world.headers("officer_a")
    problem = upload_photo(client, officer, jpeg_bytes(seed=97)).json
    version = point.template.current_version
    same = {"outcome": "fail", "value": "blocked", "photos": [problem["id"]],
            "fixed_on_spot": {"note": "已清理", "photos": [problem["id"]]}}
    refused = client.post("/api/v1/inspections", headers=officer,
                          json=submission(point, results=answers(version, access=same)))
    assert refused.status_code == 422, refused.json
    index = [i.key for i in version.items].index("access")
    assert list(refused.json["error"]["fields"]) == [f"results.{index}.fixed_on_spot.photos"]
    assert client.get("/api/v1/hazards", headers=world.headers("office_a")).json["total"] == 0
