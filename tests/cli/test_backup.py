"""`safety backup` / `safety restore`: a round trip gives back the same rows (SQLite and PostgreSQL)."""
import shutil

import pytest
from sqlalchemy import func, select, text

from safety.extensions import db
from safety.hazards.models import Hazard
from tests.api.test_inspections import submission
from tests.conftest import require_tool
from tests.factories import answers, create_point

TABLES = ["schools", "users", "points", "inspections", "inspection_results", "hazards", "hazard_events",
          "audit_events", "checklist_items"]


def _snapshot():
    counts = {t: db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in TABLES}
    hazard = db.session.scalar(select(Hazard).order_by(Hazard.id))
    return counts, (hazard.id, hazard.title, hazard.status, hazard.deadline, hazard.level)


def test_backup_then_restore_gives_back_the_same_records(app, client, world, runner, tmp_path):
    if db.engine.dialect.name == "postgresql":
        require_tool("pg_dump", shutil.which("pg_dump") is not None, "PostgreSQL backups need the client tools")
    point = create_point(world.school_a)
    db.session.commit()
    failing = answers(point.template.current_version, exit_locked={"outcome": "fail"})
    for _ in range(3):
        client.post("/api/v1/inspections", json=submission(point, results=failing), headers=world.headers("officer_a"))
    before = _snapshot()
    assert before[0]["inspections"] == 3 and before[0]["hazards"] == 1
    out = tmp_path / "safety.backup"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0

    client.post("/api/v1/inspections", json=submission(point), headers=world.headers("officer_a"))  # after backup
    db.session.execute(text("DELETE FROM hazard_events"))
    db.session.commit()
    assert _snapshot() != before

    db.session.remove()
    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert _snapshot() == before


def test_restore_of_a_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope.backup"), "--yes"])
    assert result.exit_code != 0 and "nope.backup" in result.output
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 0


@pytest.mark.parametrize("url", ["mysql://x@localhost/db"])
def test_unknown_databases_are_refused(url, tmp_path):
    from safety.ops.backup import BackupError, backup
    with pytest.raises(BackupError, match="mysql"):
        backup(url, tmp_path / "x")
