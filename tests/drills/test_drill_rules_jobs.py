"""Who owes which drill, decided by the assignment job's SQL at chosen dates: cadences per school type across terms
and holidays, boarding and special-education schools' night drills, kindergartens open through the summer,
seasonal kinds only where a region opts in."""
from datetime import date

import pytest
from sqlalchemy import select, update

from safety.drills.models import Drill, DrillKind
from safety.extensions import db
from safety.schools.models import School, SchoolType
from tests.drills.test_drills_api import ASSIGN, add_calendar, drill_keys, local, run
from tests.factories import create_school

# A calendar whose spring term ends in June: the summer is a holiday from 1 July to 31 August.
SPRING_TO_AUTUMN = [
    ("term", "2026年春季学期", date(2026, 3, 2), date(2026, 6, 30)),
    ("holiday", "暑假", date(2026, 7, 1), date(2026, 8, 31)),
    ("term", "2026年秋季学期", date(2026, 9, 1), date(2027, 1, 20)),
    ("holiday", "寒假", date(2027, 1, 21), date(2027, 2, 22)),
    ("term", "2027年春季学期", date(2027, 2, 23), date(2027, 6, 30)),
]
ROTATION = {DrillKind.fire, DrillKind.earthquake, DrillKind.intruder, DrillKind.stampede}


@pytest.fixture
def schools(world):
    """SA primary (day school), SB kindergarten, SC junior secondary; plus a boarding senior school, a special-
    education school (day), a kindergarten open through the summer and a boarding kindergarten."""
    add_calendar(world.city, SPRING_TO_AUTUMN)
    extra = {
        "boarding": create_school(world.district_a, "BD", SchoolType.senior_secondary, boarding=True),
        "special": create_school(world.district_b, "TJ", SchoolType.special_education),
        "summer_kg": create_school(world.district_a, "KG", SchoolType.kindergarten, open_in_holidays=True),
        "boarding_kg": create_school(world.district_b, "BK", SchoolType.kindergarten, boarding=True),
    }
    db.session.execute(update(School).values(created_at=local(2026, 2, 1)))
    db.session.commit()
    world.extra = extra
    return world


def keys_of(school, requirement="evacuation") -> list[str]:
    return sorted(key for req, key in drill_keys(school) if req == requirement)


def test_schools_drill_monthly_in_term_time_and_not_in_the_summer(schools):
    run(ASSIGN, local(2026, 10, 15))
    assert keys_of(schools.school_a) == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-09", "2026-10", "2026-11"]
    assert keys_of(schools.school_c) == keys_of(schools.school_a)
    # neither a night nor a bus drill for a day school without a bus
    assert keys_of(schools.school_a, "night") == [] and keys_of(schools.school_a, "bus") == []


def test_boarding_and_special_education_schools_drill_monthly_plus_a_night_drill_per_term(schools):
    run(ASSIGN, local(2026, 10, 15))
    for school in (schools.extra["boarding"], schools.extra["special"]):
        assert keys_of(school) == keys_of(schools.school_a), school.code  # monthly, not twice a month
        assert keys_of(school, "night") == ["2026-autumn", "2026-spring", "2027-spring"], school.code
    night = db.session.scalar(select(Drill).where(Drill.school_id == schools.extra["boarding"].id,
                                                  Drill.requirement == "night", Drill.period_key == "2026-autumn"))
    assert (night.window_start, night.window_end) == (local(2026, 9, 1, 0), local(2027, 1, 21, 0))
    assert night.kind == DrillKind.fire
    # a boarding kindergarten: its quarterly cadence plus the night drill
    kindergarten = schools.extra["boarding_kg"]
    assert keys_of(kindergarten) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert keys_of(kindergarten, "night") == ["2026-autumn", "2026-spring", "2027-spring"]


def test_a_kindergarten_open_through_the_summer_keeps_its_july_to_september_quarter(schools):
    run(ASSIGN, local(2026, 7, 10))  # in the summer holiday
    in_term = db.session.scalar(select(Drill).where(Drill.school_id == schools.school_b.id,
                                                    Drill.period_key == "2026-Q3"))
    open_all_summer = db.session.scalar(select(Drill).where(Drill.school_id == schools.extra["summer_kg"].id,
                                                            Drill.period_key == "2026-Q3"))
    assert (in_term.window_start, in_term.window_end) == (local(2026, 9, 1, 0), local(2026, 10, 1, 0))
    assert (open_all_summer.window_start, open_all_summer.window_end) == (local(2026, 7, 1, 0), local(2026, 10, 1, 0))


def test_configuration_moves_a_school_type_and_turns_the_night_drill_off(app, monkeypatch, schools):
    monkeypatch.setitem(app.config, "DRILL_RULES", {
        "cadence": {"default": "monthly", "kindergarten": "monthly", "special_education": "semimonthly"},
        "night": {"per_term": False, "kind": "fire"}})
    run(ASSIGN, local(2026, 3, 20))
    assert keys_of(schools.school_b) == ["2026-03", "2026-04"]
    assert keys_of(schools.extra["special"]) == ["2026-03", "2026-03b", "2026-04"]
    assert keys_of(schools.extra["boarding"], "night") == []


def test_flood_drills_are_opt_in_per_region(app, monkeypatch, schools):
    run(ASSIGN, local(2026, 6, 10))
    kinds = db.session.scalars(select(Drill.kind).where(Drill.requirement == "evacuation",
                                                        Drill.period_key.in_(["2026-05", "2026-06"])))
    assert set(kinds) <= ROTATION  # no region opted in: no flood drill anywhere

    db.session.execute(Drill.__table__.delete())
    db.session.commit()
    monkeypatch.setitem(app.config, "DRILL_RULES", {"seasonal": [
        {"kind": "flood", "months": [5, 6], "regions": ["DB"]},
        {"kind": "air_raid", "months": [6], "regions": ["DA"]}]})
    run(ASSIGN, local(2026, 6, 10))

    def kind(school, key):
        return db.session.scalar(select(Drill.kind).where(Drill.school_id == school.id, Drill.period_key == key))
    assert kind(schools.school_c, "2026-05") == kind(schools.school_c, "2026-06") == DrillKind.flood  # DB
    assert kind(schools.school_a, "2026-05") in ROTATION and kind(schools.school_a, "2026-06") == DrillKind.air_raid
