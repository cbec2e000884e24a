"""Make the embedded SQLite behave like a real transactional database.

pysqlite's own transaction handling emits BEGIN late and breaks SAVEPOINTs; SQLAlchemy's documented recipe
turns it off and emits BEGIN itself. Requests that write take the write lock up front (BEGIN IMMEDIATE):
concurrent writers then queue on the busy timeout instead of failing with "database is locked" when a
read snapshot cannot be upgraded. WAL lets readers run beside the writer; foreign keys are enforced.
"""
from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event

from ..extensions import db

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _on_connect(dbapi_connection, _record):
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # busy_timeout first: even switching to WAL has to wait for another connection's lock.
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _on_begin(connection):
    writes = not has_request_context() or request.method not in READ_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def init_sqlite(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
