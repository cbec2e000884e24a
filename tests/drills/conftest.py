import pytest
from sqlalchemy import update

from safety.extensions import db
from safety.schools.models import School
from tests.drills.test_drills_api import add_calendar, local


@pytest.fixture
def school_year(world):
    """The world's schools follow the city calendar. SA (primary, 4 floors) also runs a school bus; SB is a
    kindergarten; SC (junior secondary) has five-floor buildings. All registered in August."""
    add_calendar(world.city)
    db.session.execute(update(School).values(created_at=local(2026, 8, 1)))
    world.school_a.has_school_bus = True
    world.school_c.max_building_floors = 5
    db.session.commit()
    return world
