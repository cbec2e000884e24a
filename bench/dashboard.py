"""Dashboards on a province's data: 2,000 schools, 80,000 points, 5,000,000 inspections and their hazards,
generated set-based in PostgreSQL, then the region dashboard, the queue, coverage and a district ledger export
timed beside the bare aggregate SQL each one needs.

    .venv/bin/python bench/dashboard.py [--scale 1.0] [--runs 7]

`--scale 0.1` makes 200 schools, 8,000 points, 500,000 inspections (for a shared or small machine). The pages
are requested in-process through Flask's test client (no HTTP server: the figure is the app's own work);
each bare query is the hand-written SQL that produces the same figures, live. The dashboard and the default
coverage read the rollups the scheduler refreshes (their refresh is run and timed first); `coverage/range` asks
for a chosen range, counted live. `ledger/written` is the same ledger beside its bare SQL plus writing those rows
to a plain .xlsx (openpyxl, no styles): what any spreadsheet export of them costs.
Figures only: nothing asserts a speed. Inspection results are not generated (no page here reads them); one
inspection in 19 found a hazard.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from _support import scratch_database  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

DISTRICTS = 20
PASSWORD = "bench-pass-2026"
ISO = "%Y-%m-%dT%H:%M:%SZ"
OPEN = "('reported','assigned','rectifying','awaiting_verification')"


def load(url: str, schools: int, points_per_school: int, inspections: int) -> dict:
    """Schema by migration; a checklist and the office users through the app; the bulk with generate_series."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from safety import create_app
    from safety.accounts.models import Role
    from safety.extensions import db
    from safety.schools.models import RegionLevel
    from tests.factories import auth_headers, create_region, create_template, create_user
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_CHEAP": True})
    with app.app_context():
        upgrade()
        city = create_region("CITY", RegionLevel.city, name_zh="测试市")
        districts = [create_region(f"D{d}", parent=city, name_zh=f"区{d}") for d in range(1, DISTRICTS + 1)]
        template = create_template()
        office = create_user(Role.safety_office, region=city, username="office.city", password=PASSWORD)
        db.session.commit()
        ids = {"city": city.id, "first_district": districts[0].id,
               "template": template.id, "version": template.current_version_id, "office": office.id,
               "token": auth_headers(office)["Authorization"]}
        db.engine.dispose()
    engine = create_engine(url)
    points = schools * points_per_school
    d0 = ids["first_district"]
    with engine.begin() as conn:
        conn.execute(text(f"""INSERT INTO schools (id, code, name_zh, name_en, region_id, type, boarding,
            has_school_bus, address, enrolment, max_building_floors, active, created_at, open_in_holidays)
            SELECT s, 'S' || lpad(s::text, 5, '0'), '学校' || s, 'School ' || s, {d0} + (s % {DISTRICTS}), 'primary',
                   false, false, '', 500, 4, true, now() - interval '1 year', false
            FROM generate_series(1, {schools}) s"""))
        conn.execute(text(f"""INSERT INTO points (id, school_id, code, name_zh, name_en, category, location, frequency,
            template_id, qr_token, created_at, last_inspected_at, next_due_at)
            SELECT p, 1 + (p % {schools}), 'P' || p, '点位' || p, '', 'fire_equipment', '',
                   (ARRAY['daily','weekly','weekly','monthly'])[1 + p % 4], {ids['template']}, md5('qr' || p),
                   now() - interval '1 year', now() - interval '1 day', now() + interval '6 days'
            FROM generate_series(1, {points}) p"""))
        # Spread over the last 180 days; one in 19 failed an item (19 is prime to the point count, so the failures
        # fall on every school and district, not on the few points a multiple of 20 would pick).
        conn.execute(text(f"""INSERT INTO inspections (id, client_uuid, content_hash, point_id, school_id,
            template_version_id, inspector_id, started_at, submitted_at, received_at, status, failed_count, flags, note)
            SELECT i, md5('i' || i), md5('c' || i), 1 + (i % {points}), 1 + ((1 + (i % {points})) % {schools}),
                   {ids['version']}, {ids['office']}, t - interval '3 minutes', t, t, 'complete',
                   CASE WHEN i % 19 = 0 THEN 1 ELSE 0 END, '', ''
            FROM generate_series(1, {inspections}) i,
                 LATERAL (SELECT now() - (i::float / {inspections}) * interval '180 days' AS t) at"""))
        # One hazard per failed inspection: most closed, the recent ones open, some escalated.
        conn.execute(text("""INSERT INTO hazards (school_id, point_id, category, item_key, inspection_id, source,
            grade, status, title, description, level, escalated_at, deadline, recurrences, extensions, created_at,
            updated_at, closed_at)
            SELECT i.school_id, i.point_id, 'fire_equipment', 'item_' || (i.id % 7), i.id, 'inspection',
                   CASE WHEN i.id % 200 = 0 THEN 'major' ELSE 'general' END,
                   CASE WHEN i.submitted_at > now() - interval '20 days'
                        THEN (ARRAY['reported','assigned','rectifying','awaiting_verification'])[1 + i.id % 4]
                        ELSE 'closed' END,
                   '隐患 ' || i.id, '', CASE WHEN i.submitted_at < now() - interval '14 days'
                        AND i.submitted_at > now() - interval '20 days' THEN 1 ELSE 0 END,
                   CASE WHEN i.submitted_at < now() - interval '14 days' THEN i.submitted_at + interval '7 days' END,
                   i.submitted_at + interval '7 days', 0, 0, i.submitted_at, i.submitted_at,
                   CASE WHEN i.submitted_at <= now() - interval '20 days' THEN i.submitted_at + interval '5 days' END
            FROM inspections i WHERE i.failed_count > 0"""))
        for table in ("schools", "points", "inspections", "hazards"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        ids["hazards"] = conn.execute(text("SELECT count(*) FROM hazards")).scalar()
        ids["district"], ids["ledger_rows"] = conn.execute(text(
            "SELECT s.region_id, count(*) FROM hazards h JOIN schools s ON s.id = h.school_id "
            "GROUP BY s.region_id ORDER BY count(*) DESC LIMIT 1")).one()
    engine.dispose()
    return ids


def bare_queries(ids: dict, since: datetime, until: datetime) -> dict[str, list[str]]:
    """The aggregate SQL each page needs at the least, written by hand."""
    days = (until - since).days
    coverage = f"""SELECT p.school_id, count(*), sum(slots), sum(least(coalesce(n, 0), slots)) FROM (
        SELECT id, school_id, greatest(1, {days} / CASE frequency WHEN 'daily' THEN 1 WHEN 'weekly' THEN 7
                                                 WHEN 'monthly' THEN 30 ELSE 120 END) AS slots FROM points
        WHERE retired_at IS NULL) p
        LEFT JOIN (SELECT point_id, count(*) n FROM inspections WHERE submitted_at >= '{since.isoformat()}'
                   AND submitted_at < '{until.isoformat()}' GROUP BY point_id) d ON d.point_id = p.id
        GROUP BY p.school_id"""
    hazards = f"""SELECT school_id, count(*), count(*) FILTER (WHERE deadline < now()) FROM hazards
        WHERE status IN {OPEN} GROUP BY school_id"""
    weekly = """SELECT date_trunc('week', created_at), count(*) FROM hazards
        WHERE created_at > now() - interval '12 weeks' GROUP BY 1"""
    queue = [f"""SELECT id, school_id, title, level, grade, deadline FROM hazards WHERE level >= 1 AND status IN {OPEN}
                 ORDER BY level DESC, grade = 'major' DESC, deadline, id LIMIT 50""",
             f"SELECT level, count(*) FROM hazards WHERE level >= 1 AND status IN {OPEN} GROUP BY level"]
    ledger = f"""SELECT h.*, s.code, s.name_zh, r.name_zh, p.code, p.name_zh FROM hazards h
        JOIN schools s ON s.id = h.school_id JOIN regions r ON r.id = s.region_id
        LEFT JOIN points p ON p.id = h.point_id
        WHERE s.region_id = {ids['district']} ORDER BY s.code, h.id"""
    return {"dashboard": [hazards, coverage, weekly, *queue[1:]], "queue": queue, "coverage": [coverage],
            "coverage/range": [coverage],
            "ledger": [ledger], "ledger/written": [ledger]}


def plain_xlsx(rows) -> bytes:
    """The least an .xlsx of these rows costs: openpyxl's write-only sheet, values as they come, no styles."""
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rows")
    for row in rows:
        sheet.append([value if isinstance(value, int | float | str) or value is None else str(value)
                      for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(function, runs: int) -> list[float]:
    function()  # warm: caches, plans, pool
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,000 schools, 5,000,000 inspections")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    schools, inspections = max(DISTRICTS, round(2000 * args.scale)), round(5_000_000 * args.scale)
    with scratch_database("safety_bench_dashboard") as url:
        began = time.perf_counter()
        ids = load(url, schools, 40, inspections)
        print(f"loaded {schools:,} schools, {schools * 40:,} points, {inspections:,} inspections, {ids['hazards']:,} "
              f"hazards in {time.perf_counter() - began:.0f} s (scale {args.scale})")
        from safety import create_app
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_CHEAP": True, "SECRET_KEY": "bench"})
        until = datetime.now(UTC).replace(microsecond=0)
        since = until - timedelta(days=30)
        client, office = app.test_client(), app.test_client()
        form = office.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
        login = office.post("/login", data={"username": "office.city", "password": PASSWORD, "csrf_token": csrf})
        assert login.status_code in (302, 303), login.status_code
        token = {"Authorization": ids["token"]}
        with app.app_context():  # what the scheduler keeps fresh every ten minutes
            from safety.scheduler.registry import run_job
            for job in ("roll_up_coverage", "roll_up_hazard_weeks"):
                began = time.perf_counter()
                run = run_job(job, until)
                print(f"{job}: {run.status}, {run.rows_affected:,} rows in {time.perf_counter() - began:.1f} s")

        def get(who, path):
            response = who.get(path, headers=token if who is client else {})
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])

        pages = {
            "dashboard": lambda: get(office, f"/office?region={ids['city']}"),
            "queue": lambda: get(client, "/api/v1/escalations?per_page=50"),
            "coverage": lambda: get(client, "/api/v1/inspections/coverage"),  # the last 30 days: the rollup
            "coverage/range": lambda: get(client, f"/api/v1/inspections/coverage?since={since:{ISO}}"
                                                  f"&until={until:{ISO}}"),  # a chosen range: counted live
            "ledger": lambda: get(client, f"/api/v1/hazards/ledger.xlsx?region_id={ids['district']}"),
        }
        pages["ledger/written"] = pages["ledger"]  # beside the same rows written to a plain .xlsx
        engine = create_engine(url)
        bare = bare_queries(ids, since, until)

        def run_bare(statements, write=False):
            with engine.connect() as conn:
                for statement in statements:
                    rows = conn.execute(text(statement)).all()
                    if write:
                        plain_xlsx(rows)

        print(f"{'':<15}{'app p50':>10}{'app p95':>10}{'bare p50':>10}{'ratio':>8}   "
              f"({args.runs} runs each, in-process)")
        with app.app_context():
            for name, page in pages.items():
                app_times = timed(page, args.runs)
                bare_times = timed(lambda statements=bare[name], write=name == "ledger/written":
                                   run_bare(statements, write), args.runs)
                app_p50, bare_p50 = statistics.median(app_times), statistics.median(bare_times)
                p95 = statistics.quantiles(app_times, n=20, method="inclusive")[18] if len(app_times) > 1 else app_p50
                print(f"{name:<15}{app_p50 * 1000:>8.0f}ms{p95 * 1000:>8.0f}ms{bare_p50 * 1000:>8.0f}ms"
                      f"{app_p50 / bare_p50:>7.2f}x")
            least = timed(lambda: get(client, "/api/v1/me"), args.runs * 3)
            print(f"{'(GET /me)':<15}{statistics.median(least) * 1000:>8.1f}ms   the least an authenticated API "
                  f"request costs here (token, user, roles, one small answer)")
            from safety.extensions import db
            db.engine.dispose()
        engine.dispose()
        print(f"ledger: one district, {ids['ledger_rows']:,} hazards")


if __name__ == "__main__":
    main()
