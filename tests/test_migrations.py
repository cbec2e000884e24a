"""Upgrading an empty database to head gives exactly the models' schema (on SQLite and PostgreSQL)."""
import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from safety import create_app
from safety.extensions import db
from tests.conftest import fresh_database_url


def _diff(url: str):
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    return diff


def test_upgrade_to_head_matches_the_models_and_downgrades_cleanly(tmp_path):
    url, drop = fresh_database_url(tmp_path, "migrations")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            assert _diff(url) == []  # a model changed without a migration fails here
            downgrade(revision="base")
            engine = create_engine(url)
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            engine.dispose()
            db.engine.dispose()
    finally:
        drop()


def test_db_upgrade_works_from_any_directory(tmp_path):
    url, drop = fresh_database_url(tmp_path, "cli_upgrade")
    try:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test"}
        safety = os.path.join(os.path.dirname(sys.executable), "safety")
        result = subprocess.run([safety, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        engine = create_engine(url)
        assert "schools" in inspect(engine).get_table_names()
        engine.dispose()
    finally:
        drop()
