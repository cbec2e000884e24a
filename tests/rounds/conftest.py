"""The rounds' small campus: points in a few categories at two schools, the city's school calendar."""
import pytest
from sqlalchemy import update

from safety.core.clock import frozen
from safety.extensions import db
from safety.schools.models import School
from tests.drills.test_drills_api import add_calendar, local
from tests.factories import create_point, create_template


@pytest.fixture
def campus(world):
    """SA (primary) has a gate, a corridor and an extinguisher; SC (junior secondary, boarding) a gate and a
    dormitory; SB (kindergarten) no points at all. The city calendar: autumn term with the National Day week off."""
    add_calendar(world.city)
    gate, fire = create_template("gate_security"), create_template("fire_equipment")
    route, dorm = create_template("evacuation_route"), create_template("dormitory")
    with frozen(local(2026, 8, 20)):
        world.points = {
            "gate": create_point(world.school_a, gate, code="A-01-GATE", category="gate_security"),
            "corridor": create_point(world.school_a, route, code="A-02-ROUTE", category="evacuation_route"),
            "extinguisher": create_point(world.school_a, fire, code="A-03-EXT", category="fire_equipment"),
            "c_gate": create_point(world.school_c, gate, code="C-01-GATE", category="gate_security"),
            "c_dorm": create_point(world.school_c, dorm, code="C-02-DORM", category="dormitory"),
        }
    world.school_c.boarding = True
    db.session.execute(update(School).values(created_at=local(2026, 8, 1)))
    db.session.commit()
    return world
