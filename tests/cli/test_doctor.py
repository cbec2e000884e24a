"""`safety doctor` run as an operator runs it: a separate process on a real database, storage and mail server."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fresh_database_url
from tests.notifications.test_dispatch import MailServer, free_port

SAFETY = str(Path(sys.executable).with_name("safety"))
SETTINGS = ("DATABASE_URL", "SECRET_KEY", "PHOTO_STORAGE_DIR", "PHOTO_STORAGE", "SAFETY_INSTANCE_PATH", "SMTP_HOST",
            "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS", "CJK_FONT_PATH")


@pytest.fixture
def installation(tmp_path):
    """A fresh installation's environment: its own database (SQLite or PostgreSQL, as the suite runs)."""
    url, drop = fresh_database_url(tmp_path, "doctor")
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS}
    env.update(DATABASE_URL=url, SAFETY_INSTANCE_PATH=str(tmp_path / "instance"))
    yield env
    drop()


def safety(env, *args, **extra):
    return subprocess.run([SAFETY, *args], capture_output=True, text=True, timeout=180, env={**env, **extra})


def findings(result) -> dict[str, str]:
    """{"fonts": "ok", "database": "FAIL", …} from the doctor's report."""
    return {line[6:20].strip(): line[:5].strip() for line in result.stdout.splitlines()}


def test_the_doctor_reports_each_part_of_a_real_installation(installation, tmp_path):
    # One installation through its life, as each `safety` command is a slow process start.
    before = safety(installation, "doctor")
    assert before.returncode == 1 and findings(before)["database"] == "FAIL"
    assert "run `safety db upgrade`" in before.stdout
    assert safety(installation, "db", "upgrade").returncode == 0
    server = MailServer()
    server.start()
    try:
        healthy = safety(installation, "doctor", SMTP_HOST="127.0.0.1", SMTP_PORT=str(server.port))
    finally:
        server.stop()
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert findings(healthy) == {"fonts": "ok", "database": "ok", "photo storage": "ok", "scheduler": "warn",
                                 "mail": "ok"}
    assert "start `safety scheduler`" in healthy.stdout
    assert f"127.0.0.1:{server.port} accepts a connection" in healthy.stdout
    assert safety(installation, "jobs", "run", "escalate_hazards").returncode == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    broken = safety(installation, "doctor", SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()),
                    PHOTO_STORAGE_DIR=str(blocker / "photos"))
    assert broken.returncode == 1
    assert findings(broken) == {"fonts": "ok", "database": "ok", "photo storage": "FAIL", "scheduler": "ok",
                                "mail": "FAIL"}
    assert "the last job ran 0 min ago" in broken.stdout and "ConnectionRefusedError" in broken.stdout
