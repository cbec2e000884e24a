"""Replays that arrive at the same moment, against a database that really commits: exactly one record."""
import threading

from sqlalchemy import func, select

from safety.extensions import db
from safety.hazards.models import Hazard
from safety.inspections.models import Inspection
from safety.photos.models import Photo
from tests.api.test_inspections import submission
from tests.factories import answers, create_point, jpeg_bytes, upload_photo

THREADS = 8


def _together(app, send):
    """Run `send(client)` in THREADS threads released at the same instant; return their responses."""
    barrier, responses = threading.Barrier(THREADS), [None] * THREADS
    db.session.commit()  # the test's own session must not hold SQLite's write lock while the threads run

    def run(index):
        client = app.test_client()
        barrier.wait()
        responses[index] = send(client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_concurrent_replays_of_one_submission_make_one_inspection(app, world):
    point = create_point(world.school_a)
    db.session.commit()
    body = submission(point, results=answers(point.template.current_version, exit_locked={"outcome": "fail"}))
    headers = world.headers("officer_a")
    responses = _together(app, lambda client: client.post("/api/v1/inspections", json=body, headers=headers))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (THREADS - 1) + [201], [r.get_json() for r in responses]
    assert len({r.get_json()["id"] for r in responses}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Inspection.id))) == 1
    assert db.session.scalar(select(func.count(Hazard.id))) == 1


def test_concurrent_uploads_of_the_same_bytes_make_one_photo(app, world):
    data = jpeg_bytes(seed=42)
    headers = world.headers("officer_a")
    responses = _together(app, lambda client: upload_photo(client, headers, data))
    assert sorted(r.status_code for r in responses) == [200] * (THREADS - 1) + [201]
    assert len({r.get_json()["id"] for r in responses}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Photo.id))) == 1


def test_concurrent_failures_at_one_point_share_one_open_hazard(app, world):
    point = create_point(world.school_a)
    db.session.commit()
    headers = world.headers("officer_a")
    version = point.template.current_version
    bodies = [submission(point, results=answers(version, exit_locked={"outcome": "fail"})) for _ in range(THREADS)]
    counter = iter(range(THREADS))
    lock = threading.Lock()

    def send(client):
        with lock:
            body = bodies[next(counter)]
        return client.post("/api/v1/inspections", json=body, headers=headers)

    responses = _together(app, send)
    assert all(r.status_code == 201 for r in responses), [r.get_json() for r in responses]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Inspection.id))) == THREADS
    hazard = db.session.scalar(select(Hazard))
    assert db.session.scalar(select(func.count(Hazard.id))) == 1 and hazard.recurrences == THREADS - 1
