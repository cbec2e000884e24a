"""One escalation run over 1,000,000 hazards at 2,000 schools (10 % overdue) in PostgreSQL, beside the floor:
a single hand-written UPDATE that marks the same rows, on an identical copy of the data, in the same run.

    .venv/bin/python bench/escalation.py [--hazards 1000000] [--schools 2000]

The run does what the product needs (history events, audit rows, notifications to district offices and
principals, the level change); the floor only flips the level. Both are timed on a warm connection up to and
including their COMMIT (the job's run also takes and releases its lease and records itself). Figures only.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from _support import scratch_database  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

DISTRICTS = 20


def load(url: str, hazards: int, schools: int) -> None:
    """Schema by migration, then everything set-based with generate_series."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from safety import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        from safety.extensions import db
        db.engine.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO regions (id, code, name_zh, name_en, level, path, created_at) "
                          "VALUES (1, 'CITY', '测试市', 'City', 'city', '/1/', now())"))
        conn.execute(text(f"""INSERT INTO regions (id, code, name_zh, name_en, level, parent_id, path, created_at)
            SELECT 1 + d, 'D' || d, '区' || d, 'District ' || d, 'district', 1, '/1/' || (1 + d) || '/', now()
            FROM generate_series(1, {DISTRICTS}) d"""))
        conn.execute(text(f"""INSERT INTO schools (id, code, name_zh, name_en, region_id, type, boarding,
            has_school_bus, address, enrolment, max_building_floors, active, created_at, open_in_holidays)
            SELECT s, 'S' || s, '学校' || s, 'School ' || s, 2 + (s % {DISTRICTS}), 'primary', false, false, '', 500,
                   4, true, now(), false FROM generate_series(1, {schools}) s"""))
        conn.execute(text(f"""INSERT INTO users (id, username, display_name, password_hash, active, created_at)
            SELECT u, 'user' || u, 'U' || u, 'x', true, now() FROM generate_series(1, {schools + DISTRICTS + 1}) u"""))
        conn.execute(text(f"""INSERT INTO role_assignments (user_id, role, school_id)
            SELECT s, 'principal', s FROM generate_series(1, {schools}) s"""))
        conn.execute(text(f"""INSERT INTO role_assignments (user_id, role, region_id)
            SELECT {schools} + d, 'safety_office', 1 + d FROM generate_series(1, {DISTRICTS}) d"""))
        conn.execute(text(f"""INSERT INTO role_assignments (user_id, role, region_id)
            VALUES ({schools + DISTRICTS + 1}, 'safety_office', 1)"""))
        # 10 % past their deadline; the rest due in the coming weeks; all open at school level.
        conn.execute(text(f"""INSERT INTO hazards (school_id, category, source, grade, status, title, description,
            level, deadline, recurrences, extensions, created_at, updated_at)
            SELECT 1 + (h % {schools}), 'other', 'inspection', 'general',
                   (ARRAY['reported','assigned','rectifying','awaiting_verification'])[1 + h % 4],
                   '隐患 ' || h, '', 0,
                   CASE WHEN h % 10 = 0 THEN now() - interval '2 days' ELSE now() + interval '10 days' END,
                   0, 0, now() - interval '9 days', now() - interval '9 days'
            FROM generate_series(1, {hazards}) h"""))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()


def escalation_run(url: str, as_of: datetime) -> tuple[float, int]:
    from safety import create_app
    from safety.scheduler.registry import run_job
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from safety.extensions import db
        db.session.execute(text("SELECT 1"))  # a warm connection, as the floor has: the run is timed, not the connect
        db.session.commit()
        started = time.perf_counter()
        run = run_job("escalate_hazards", as_of)
        elapsed = time.perf_counter() - started
        status, error, rows = run.status, run.error, run.rows_affected
        db.engine.dispose()
    assert status == "ok", error
    return elapsed, rows


MOVE = ("UPDATE hazards SET level = 1, escalated_at = deadline, updated_at = :at WHERE level = 0 "
        "AND status IN ('reported','assigned','rectifying','awaiting_verification') AND deadline < :at")
# The least the decision allows ("history events stay one per hazard"): the same UPDATE, and from its
# RETURNING one history row per moved hazard, in one statement, with the table's foreign keys as shipped.
MOVE_WITH_HISTORY = (f"WITH moved AS ({MOVE} RETURNING id, status) "
                     "INSERT INTO hazard_events (hazard_id, at, action, from_status, to_status, note, data) "
                     "SELECT id, :at, 'escalated', status, status, '', "
                     "'{\"level\": 1, \"reason\": \"overdue\"}' FROM moved")


def floor_run(url: str, as_of: datetime, statement: str) -> tuple[float, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.commit()
        started = time.perf_counter()  # the statement and its COMMIT, as the job's run includes its commit
        rows = conn.execute(text(statement), {"at": as_of}).rowcount
        conn.commit()
        elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, rows


def counted(url: str, as_of: datetime, written: dict[str, int]) -> tuple[float, int]:
    """The job's run, and what it wrote (into `written`)."""
    seconds, rows = escalation_run(url, as_of)
    engine = create_engine(url)
    with engine.connect() as conn:
        written["events"] = conn.execute(text("SELECT count(*) FROM hazard_events")).scalar()
        written["notes"] = conn.execute(text("SELECT count(*) FROM notifications")).scalar()
    engine.dispose()
    return seconds, rows


def on_a_copy(url: str, run) -> tuple[float, int]:
    """`run(copy_url)` on a fresh copy of the loaded data, dropped afterwards: every contender starts alike."""
    with scratch_database("safety_bench_escalation_copy", template=url) as copy:
        return run(copy)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="each contender this many times, interleaved")
    args = parser.parse_args()
    as_of = datetime.now(UTC)
    written: dict[str, int] = {}
    contenders = {"floor (one UPDATE)": lambda u: floor_run(u, as_of, MOVE),
                  "floor + one history row per hazard (one statement)": lambda u: floor_run(u, as_of,
                                                                                           MOVE_WITH_HISTORY),
                  "escalation run (events, audit, notifications, level)": lambda u: counted(u, as_of, written)}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    with scratch_database("safety_bench_escalation") as url:
        began = time.perf_counter()
        load(url, args.hazards, args.schools)
        print(f"loaded {args.hazards:,} hazards at {args.schools:,} schools in {time.perf_counter() - began:.1f} s")
        for _round in range(args.rounds):
            for name, run in contenders.items():
                seconds, rows = on_a_copy(url, run)
                times[name].append(seconds)
                print(f"  {name}: {seconds:.2f} s, {rows:,} rows")
    floor = statistics.median(times["floor (one UPDATE)"])
    print(f"the run writes {written['events']:,} events and {written['notes']:,} notifications; "
          f"medians of {args.rounds}:")
    for name, seconds in times.items():
        print(f"  {name:55s} {statistics.median(seconds):6.2f} s  {statistics.median(seconds) / floor:.2f}x")


if __name__ == "__main__":
    main()
