"""Checklist submissions per second through the real HTTP stack (gunicorn + PostgreSQL), 10-item checklists,
16 concurrent clients, beside two floors: an app on the same stack that inserts one row per request
(bench/floor_app.py), and the submission's least work on the project's own stack with no rules
(bench/stack_floor_app.py: flask-smorest schemas in and out, the token's user, the inspection and its results).

    .venv/bin/python bench/ingest.py [--seconds 20] [--clients 16]

Prints requests per second, p50/p99 latency for each and the ratios; then checks that every acknowledged
submission is in the database exactly once. Figures only: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from _support import as_json, closed_loop, gunicorn, scratch_database, stored_submissions  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

TEN_ITEMS = [{"key": f"item_{n}", "kind": "pass_fail", "text_zh": f"检查项 {n}", "text_en": f"Item {n}"}
             for n in range(1, 11)]


def seed(database_url: str) -> tuple[int, int, list[int], str]:
    """A school, a point with a 10-item checklist, an inspector and a token."""
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from safety import create_app
    from safety.accounts.models import Role
    from safety.extensions import db
    from tests.factories import auth_headers, create_point, create_region, create_school, create_template, create_user
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_CHEAP": True})
    with app.app_context():
        upgrade()
        district = create_region("BENCH-D")
        school = create_school(district, "BENCH-S")
        template = create_template(items=TEN_ITEMS)
        point = create_point(school, template=template, code="BENCH-P")
        inspector = create_user(Role.inspector, school=school, username="bench.inspector")
        token = auth_headers(inspector)["Authorization"]
        db.session.execute(text("CREATE TABLE bench_floor (id serial PRIMARY KEY, client_uuid text UNIQUE, "
                                "payload text, created_at timestamptz DEFAULT now())"))
        db.session.execute(text("CREATE TABLE bench_inspections (id serial PRIMARY KEY, client_uuid uuid UNIQUE, "
                                "point_id int, version_id int, user_id int REFERENCES users, "
                                "started_at timestamptz, submitted_at timestamptz)"))
        db.session.execute(text("CREATE TABLE bench_results (id serial PRIMARY KEY, "
                                "inspection_id int REFERENCES bench_inspections, item_id int, outcome text)"))
        db.session.commit()
        items = [item.id for item in point.template.current_version.items]
        result = point.id, point.template.current_version.id, items, token
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    with scratch_database("safety_bench_ingest") as url:
        point_id, version_id, items, token = seed(url)
        sent: dict[int, list[str]] = {}

        def body_of(client_uuid: str) -> tuple[bytes, dict]:
            started = datetime.now(UTC) - timedelta(minutes=3)
            body, headers = as_json({
                "client_uuid": client_uuid, "point_id": point_id, "template_version_id": version_id,
                "started_at": started.isoformat(), "submitted_at": (started + timedelta(minutes=2)).isoformat(),
                "results": [{"item_id": i, "outcome": "pass"} for i in items]})
            return body, {**headers, "Authorization": token}

        def submission(client: int, sequence: int):
            client_uuid = str(uuid.uuid4())
            sent.setdefault(client, []).append(client_uuid)
            return "inspection", "POST", "/api/v1/inspections", *body_of(client_uuid)

        def stack_floor(client: int, sequence: int):
            return "stack floor", "POST", "/floor/inspections", *body_of(str(uuid.uuid4()))

        def floor(client: int, sequence: int):
            body, headers = as_json({"client": client, "sequence": sequence, "results": list(range(10))})
            return "floor", "POST", "/floor", body, headers

        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PHOTO_STORAGE_DIR": "/tmp/bench-photos"}
        with gunicorn("safety:create_app()", env) as port:
            closed_loop(port, submission, args.clients, 2)  # warm-up: pools, caches (its submissions count too)
            real = closed_loop(port, submission, args.clients, args.seconds)
        with gunicorn("bench.stack_floor_app:app", env) as port:
            closed_loop(port, stack_floor, args.clients, 2)
            stack = closed_loop(port, stack_floor, args.clients, args.seconds)
        with gunicorn("bench.floor_app:app", env) as port:
            closed_loop(port, floor, args.clients, 2)
            base = closed_loop(port, floor, args.clients, args.seconds)
        stored = stored_submissions(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            results = conn.execute(text("SELECT count(*) FROM inspection_results")).scalar()
        engine.dispose()

    print(f"ingest: {args.clients} clients, {args.seconds:.0f} s each, gunicorn "
          f"{os.environ.get('GUNICORN_WORKERS', 4)} workers x 4 threads, PostgreSQL")
    for name, run in (("inspections (10 items)", real), ("stack floor (no rules)", stack),
                      ("floor (1 INSERT)", base)):
        print(f"  {name:<24} {run['rps']:8.1f} req/s   p50 {run['p50_ms']:6.1f} ms   p99 {run['p99_ms']:6.1f} ms"
              f"   errors {len(run['errors'])}")
    for name, run in (("inspections", real), ("stack floor", stack), ("floor", base)):
        if run["errors"]:
            print(f"  {name} errors, first few: {sorted(set(run['errors']))[:5]}")
    if real["rps"] and base["rps"] and stack["rps"]:
        print(f"  ratio floor/inspections: {base['rps'] / real['rps']:.2f}x; floor/stack floor: "
              f"{base['rps'] / stack['rps']:.2f}x; stack floor/inspections: {stack['rps'] / real['rps']:.2f}x")
    attempted = [u for uuids in sent.values() for u in uuids]
    duplicates = sum(1 for count in stored.values() if count > 1)
    print(f"  stored {len(stored)} inspections ({results} results) for {len(attempted)} sent (warm-up included); "
          f"duplicates {duplicates}; unknown {len(set(stored) - set(attempted))}")


if __name__ == "__main__":
    main()
