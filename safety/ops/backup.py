"""Backups of the database: pg_dump/pg_restore for PostgreSQL, SQLite's online backup API for small installs.

Photos live in the photo storage (a folder or object storage) and are backed up with it (see deploy/README.md).
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    pass


def _libpq_url(url: URL) -> str:
    """The URL as libpq tools want it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools (apt-get install postgresql-client)")
    return path


def backup(database_url: str, out: Path) -> Path:
    """Write a consistent backup of the live database to `out` (the service may keep running)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), _libpq_url(url)])
    elif url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as source, sqlite3.connect(out) as target:
            source.backup(target)  # a consistent copy even while the service writes
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    return out


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup (stop the service and the scheduler first)."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _libpq_url(url), str(source)])
    elif url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as backup_db, sqlite3.connect(url.database) as target:
            backup_db.backup(target)
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
