"""The escalation sweep at the edges of its clocks: a hazard at the district goes to the city only while it is
overdue, so a deadline an office extended holds to its last second."""
from __future__ import annotations

from datetime import timedelta

from safety.checklists.models import Grade
from safety.core.clock import now
from safety.extensions import db
from safety.hazards.models import HazardStatus as S
from tests.rules.support import DAY, make_hazard, reload
from tests.rules.test_escalation_rules import sweep

SECOND = timedelta(seconds=1)


def test_a_district_hazard_extended_to_this_moment_reaches_the_city_only_after_it(world):
    deadline = now().replace(microsecond=0) + DAY  # whole seconds: SQLite's date arithmetic drops the fraction
    hazard = make_hazard(world.school_a, grade=Grade.general, level=1, status=S.rectifying)
    row = reload(hazard.id)
    row.deadline, row.escalated_at = deadline, deadline - 40 * DAY  # long past the city's 14 days
    db.session.commit()
    assert sweep(deadline) == 0 and reload(hazard.id).level == 1
    assert sweep(deadline + SECOND) == 1 and reload(hazard.id).level == 2
