"""A rate-limit hit is taken before the request writes anything: on SQLite (one writer) the request's read-only
transaction is ended first and a request that already wrote is a programming error, refused loudly; once its
writes are committed or rolled back, hits may be taken again. On PostgreSQL the hit is committed on its own
connection and the request's pending work is left as it was."""
from __future__ import annotations

from datetime import timedelta

import pytest

from safety.core.ratelimit import take
from safety.extensions import db
from safety.schools.models import School

MINUTE = timedelta(minutes=1)


def _take():
    take("order-test", ["k"], 100, MINUTE)


@pytest.mark.parametrize("how", ["pending", "flushed"])
def test_a_hit_after_a_write_is_refused_on_sqlite_and_left_alone_on_postgresql(world, how):
    db.session.commit()
    _take()  # a read-only transaction so far: the hit is taken
    world.school_a.name_zh = f"改名{how}"
    if how == "flushed":
        db.session.flush()
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(RuntimeError):
            _take()
    else:
        _take()
        assert db.session.is_modified(world.school_a) or how == "flushed"
    db.session.rollback()
    _take()  # rolled back: hits may be taken again
    world.school_a.name_zh = "已提交"
    db.session.commit()
    _take()  # committed: and again
    db.session.expire_all()
    assert db.session.get(School, world.school_a.id).name_zh == "已提交"
