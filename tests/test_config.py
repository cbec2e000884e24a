"""Configuration from the environment."""
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from safety import create_app
from safety.config import _secret_key, normalise_database_url
from safety.extensions import db


def test_a_generated_secret_key_is_the_same_for_processes_starting_together(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys, barrier = [], threading.Barrier(12)

    def start():
        barrier.wait()
        keys.append(_secret_key(tmp_path / "instance"))

    threads = [threading.Thread(target=start) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) >= 64
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]
    assert _secret_key(tmp_path / "instance") == keys[0]  # kept across restarts


def test_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert _secret_key(tmp_path) == "from-the-environment" and not any(tmp_path.iterdir())


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_instance_folder_comes_from_the_environment(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "PHOTO_STORAGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAFETY_INSTANCE_PATH", "state/safety")  # relative: to where the command runs
    instance = tmp_path / "state" / "safety"
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'safety.db'}"
    assert app.config["PHOTO_STORAGE_DIR"] == str(instance / "photos")
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text().strip()
    with app.app_context():
        db.engine.dispose()


def test_a_command_keeps_all_its_state_in_the_instance_folder(tmp_path):
    env = {name: value for name, value in os.environ.items()
           if name not in ("SECRET_KEY", "DATABASE_URL", "PHOTO_STORAGE_DIR")}
    env["SAFETY_INSTANCE_PATH"] = str(tmp_path / "instance")
    safety = str(Path(sys.executable).with_name("safety"))
    subprocess.run([safety, "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=180)
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["safety.db", "secret_key"]
    with sqlite3.connect(tmp_path / "instance" / "safety.db") as connection:
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchall() == [(1,)]
