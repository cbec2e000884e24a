"""SQL pieces that differ between SQLite and PostgreSQL, compiled per dialect so queries stay set-based."""
from __future__ import annotations

from sqlalchemy import JSON, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from .types import UTCDateTime


class add_days(FunctionElement):
    """`timestamp + n days`, with `n` a column or a number."""

    type = UTCDateTime()
    inherit_cache = True
    name = "add_days"

    def __init__(self, moment: ColumnElement, days):
        super().__init__(moment, days)


@compiles(add_days, "postgresql")
def _add_days_pg(element, compiler, **kw):
    moment, days = element.clauses
    return f"({compiler.process(moment, **kw)} + make_interval(days => {compiler.process(days, **kw)}))"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    moment, days = element.clauses
    # UTCDateTime stores 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite; keep that format so comparisons stay textual.
    # Whole days leave the microseconds as they were (strftime's %f has only milliseconds): carried over as text.
    at = compiler.process(moment, **kw)
    plus = f"'+' || ({compiler.process(days, **kw)}) || ' days'"
    return f"(strftime('%Y-%m-%d %H:%M:%S', {at}, {plus}) || substr({at}, 20, 7))"


class plus_seconds(FunctionElement):  # lower case: reads as the SQL function it is
    """`timestamp + n seconds`, with `n` a column or a number."""

    type = UTCDateTime()
    inherit_cache = True
    name = "plus_seconds"


@compiles(plus_seconds, "postgresql")
def _plus_seconds_pg(element, compiler, **kw):
    moment, seconds = element.clauses
    return f"({compiler.process(moment, **kw)} + make_interval(secs => {compiler.process(seconds, **kw)}))"


@compiles(plus_seconds, "sqlite")
def _plus_seconds_sqlite(element, compiler, **kw):
    moment, seconds = element.clauses
    return (f"strftime('%Y-%m-%d %H:%M:%f000', {compiler.process(moment, **kw)}, "
            f"'+' || ({compiler.process(seconds, **kw)}) || ' seconds')")


def dialect_insert(model):
    """An INSERT that knows ON CONFLICT (PostgreSQL's or SQLite's construct, for the session's database)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from ..extensions import db
    return (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def insert_ignoring_conflicts(model, columns: list[str], rows) -> int:
    """INSERT … SELECT … ON CONFLICT DO NOTHING (PostgreSQL and SQLite); returns the rows inserted.

    Rows a concurrent transaction inserted first are skipped, which a NOT EXISTS in the SELECT cannot see.
    """
    from sqlalchemy import literal_column

    from ..extensions import db
    # SQLite's parser needs a WHERE in the SELECT before ON CONFLICT.
    statement = dialect_insert(model).from_select(columns, rows.where(literal_column("1") == 1))
    statement = statement.on_conflict_do_nothing()
    # psycopg reports no row count for INSERT … SELECT unless asked to keep it.
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def chunks(ids, size: int = 500):
    """Slices of an id list small enough for one IN list (SQLite allows 32,766 variables)."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


class json_pairs(FunctionElement):
    """A JSON object built in SQL from alternating keys and values: json_build_object / json_object."""

    type = JSON()
    inherit_cache = True
    name = "json_pairs"


@compiles(json_pairs, "postgresql")
def _json_pairs_pg(element, compiler, **kw):
    return f"json_build_object({compiler.process(element.clause_expr, **kw)[1:-1]})"


@compiles(json_pairs, "sqlite")
def _json_pairs_sqlite(element, compiler, **kw):
    return f"json_object({compiler.process(element.clause_expr, **kw)[1:-1]})"


class local_minute(FunctionElement):
    """Minutes since local midnight (0–1439) of a UTC timestamp, for a fixed UTC offset in minutes (the service's
    time zone, China: no daylight saving)."""

    type = Integer()
    inherit_cache = True
    name = "local_minute"


@compiles(local_minute, "postgresql")
def _local_minute_pg(element, compiler, **kw):
    moment, offset = (compiler.process(c, **kw) for c in element.clauses)
    shifted = f"(({moment}) AT TIME ZONE 'UTC' + make_interval(mins => {offset}))"
    return f"(CAST(EXTRACT(HOUR FROM {shifted}) AS INTEGER) * 60 + CAST(EXTRACT(MINUTE FROM {shifted}) AS INTEGER))"


@compiles(local_minute, "sqlite")
def _local_minute_sqlite(element, compiler, **kw):
    moment, offset = (compiler.process(c, **kw) for c in element.clauses)
    shifted = f"{moment}, '+' || ({offset}) || ' minutes'"
    return f"(CAST(strftime('%H', {shifted}) AS INTEGER) * 60 + CAST(strftime('%M', {shifted}) AS INTEGER))"
