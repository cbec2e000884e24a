"""Test fixtures: a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL) that really commits.

Each xdist worker gets its own database; tables are emptied after every test, so HTTP requests, threads and
subprocesses all see committed data exactly as in production.
"""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from safety import create_app
from safety.config import normalise_database_url
from safety.extensions import db

pytest_plugins = ["tests.factories", "tests.openapi_observed"]

REQUIRE_TOOLS = os.environ.get("SAFETY_REQUIRE_TOOLS") == "1"  # set by .ci/run: missing tools fail, not skip


def _postgres(url, statement: str) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def fresh_database_url(tmp_root: Path, name: str):
    """A new empty database: a SQLite file, or a PostgreSQL database named after TEST_DATABASE_URL's.

    Returns the URL and a function that drops it again.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_root / f'{name}.db'}", lambda: None
    url = make_url(normalise_database_url(base))
    database = f"{url.database}_{name}"
    _postgres(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    _postgres(url, f'CREATE DATABASE "{database}"')
    return (url.set(database=database).render_as_string(hide_password=False),
            lambda: _postgres(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    url, drop = fresh_database_url(tmp_path_factory.mktemp("db"), worker_id)
    yield url
    drop()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PHOTO_STORAGE_DIR": str(instance / "photos"),
        "PUBLIC_BASE_URL": "https://safety.example.cn",
        "PASSWORD_HASH_CHEAP": True,
        "PROPAGATE_UNEXPECTED": True,
    })
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _app_context(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_DIR", str(tmp_path / "photos"))  # files, like rows, per test
    with app.app_context():
        yield
        db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        # DELETE is much cheaper than TRUNCATE on small tables. Templates and versions point at each other,
        # so foreign-key checks wait (SQLite) or are off (PostgreSQL) for this one cleaning transaction.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table in tables:
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def require_tool(name: str, available: bool, why: str) -> None:
    """Skip when an optional system tool is missing locally; fail in CI, where .ci/run installs it."""
    if available:
        return
    if REQUIRE_TOOLS:
        pytest.fail(f"{name} is required in CI but missing: {why}")
    pytest.skip(f"{name} not installed: {why}")


def which(program: str) -> bool:
    return shutil.which(program) is not None


@contextmanager
def served(app):
    """The app on 127.0.0.1:<free port> in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def _closed_before_sending(app):
    """Werkzeug's server skips the body's close() when the client resets the connection mid-send (a browser
    leaving a page while an icon loads), leaving a static file open for the GC to warn about; read and close
    the body first, which costs the small files served in tests nothing."""
    def application(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return application
