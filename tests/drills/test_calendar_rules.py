"""The compliance calendar's rules as pure functions: cadences, term time, rotation, thresholds."""
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from safety.drills.models import CalendarKind, DrillKind
from safety.drills.rules import (
    BUS,
    EVACUATION,
    Period,
    SchoolCalendar,
    bus_windows,
    cadence_for,
    due_windows,
    evacuation_windows,
    load_rules,
    slow_evacuation_threshold,
    window_bounds,
)
from safety.schools.models import SchoolType

TERM, HOLIDAY = CalendarKind.term, CalendarKind.holiday
# The 2026/27 school year: autumn term with the National Day week off, winter holiday, spring term, summer.
SCHOOL_YEAR = SchoolCalendar([
    Period(TERM, date(2026, 9, 1), date(2027, 1, 20)),
    Period(HOLIDAY, date(2026, 10, 1), date(2026, 10, 7)),
    Period(HOLIDAY, date(2027, 1, 21), date(2027, 2, 22)),
    Period(TERM, date(2027, 2, 23), date(2027, 7, 5)),
    Period(HOLIDAY, date(2027, 7, 6), date(2027, 8, 31)),
])
RULES = load_rules()


def keys(windows):
    return [w.period_key for w in windows]


@pytest.mark.parametrize("school_type,boarding,cadence", [
    (SchoolType.primary, False, "monthly"),
    (SchoolType.junior_secondary, False, "monthly"),
    (SchoolType.senior_secondary, False, "monthly"),
    (SchoolType.kindergarten, False, "quarterly"),
    (SchoolType.primary, True, "semimonthly"),
    (SchoolType.kindergarten, True, "semimonthly"),
    (SchoolType.special_education, False, "semimonthly"),
])
def test_cadence_per_school_type(school_type, boarding, cadence):
    assert cadence_for(RULES, school_type, boarding) == cadence


def test_monthly_school_has_eleven_windows_in_the_school_year():
    windows = evacuation_windows(RULES, SCHOOL_YEAR, "monthly")
    assert keys(windows) == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04",
                             "2027-05", "2027-06", "2027-07"]  # August is all holiday: no window
    assert {w.requirement for w in windows} == {EVACUATION}


def test_kindergarten_has_one_window_per_quarter_touching_the_school_year():
    windows = evacuation_windows(RULES, SCHOOL_YEAR, "quarterly")
    assert keys(windows) == ["2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3"]
    q1 = windows[2]
    assert (q1.starts_on, q1.ends_on) == (date(2027, 1, 1), date(2027, 3, 31))  # spans the winter holiday


def test_boarding_school_has_two_windows_a_month_in_term_time():
    windows = evacuation_windows(RULES, SCHOOL_YEAR, "semimonthly")
    assert len(windows) == 20
    assert "2027-02" not in keys(windows) and "2027-02b" in keys(windows)  # 1–15 Feb is winter holiday
    assert "2027-07" in keys(windows) and "2027-07b" not in keys(windows)
    assert [(w.starts_on, w.ends_on) for w in windows if w.period_key.startswith("2026-11")] == [
        (date(2026, 11, 1), date(2026, 11, 15)), (date(2026, 11, 16), date(2026, 11, 30))]


def test_bus_drill_once_per_term():
    windows = bus_windows(RULES, SCHOOL_YEAR)
    assert [(w.requirement, w.period_key, w.kind) for w in windows] == [
        (BUS, "2026-autumn", DrillKind.bus_evacuation), (BUS, "2027-spring", DrillKind.bus_evacuation)]
    assert (windows[0].starts_on, windows[0].ends_on) == (date(2026, 9, 1), date(2027, 1, 20))
    assert bus_windows(load_rules({"bus_drill_per_term": False}), SCHOOL_YEAR) == []


@pytest.mark.parametrize("cadence", ["monthly", "semimonthly", "quarterly"])
def test_windows_are_cut_to_term_time(cadence):
    for window in evacuation_windows(RULES, SCHOOL_YEAR, cadence):
        assert SCHOOL_YEAR.is_school_day(window.starts_on), window
        assert SCHOOL_YEAR.is_school_day(window.ends_on), window
    october = next(w for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly") if w.period_key == "2026-10")
    assert october.starts_on == date(2026, 10, 8)  # after the National Day holiday
    january = next(w for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly") if w.period_key == "2027-01")
    assert january.ends_on == date(2027, 1, 20)  # the winter holiday starts on the 21st


def test_a_calendar_without_terms_has_no_windows():
    holidays_only = SchoolCalendar([Period(HOLIDAY, date(2026, 7, 1), date(2026, 8, 31))])
    assert evacuation_windows(RULES, holidays_only, "monthly") == []
    assert evacuation_windows(RULES, SCHOOL_YEAR, "none") == []


def test_kinds_rotate_by_month_with_floods_in_the_rainy_season():
    kinds = {w.period_key: w.kind for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly")}
    assert kinds["2027-05"] == kinds["2027-06"] == DrillKind.flood
    rotating = [kinds[k] for k in ("2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02")]
    assert set(rotating) == {DrillKind.fire, DrillKind.earthquake, DrillKind.intruder}
    assert all(a != b for a, b in itertools.pairwise(rotating))
    assert rotating[:3] == rotating[3:]  # the same three in the same order, again
    # deterministic: the same calendar gives the same kinds
    assert kinds == {w.period_key: w.kind for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly")}


def test_typhoon_drills_only_where_a_region_enables_them():
    rules = load_rules({"seasonal": [{"kind": "typhoon", "months": [9], "regions": ["QH"]},
                                     {"kind": "flood", "months": [5, 6], "regions": None}]})
    september = evacuation_windows(rules, SCHOOL_YEAR, "monthly")[0]
    assert september.kind in {DrillKind.fire, DrillKind.earthquake, DrillKind.intruder}
    assert september.kind_in(["LJ", "QH"]) == DrillKind.typhoon
    assert september.kind_in(["LJ", "DH"]) == september.kind
    assert evacuation_windows(RULES, SCHOOL_YEAR, "monthly")[0].regional == ()  # off by default


def test_due_windows_are_the_opened_ones_plus_the_next():
    monthly = evacuation_windows(RULES, SCHOOL_YEAR, "monthly")
    assert keys(due_windows(RULES, monthly, date(2026, 11, 10))) == ["2026-09", "2026-10", "2026-11", "2026-12"]
    # in the winter holiday nothing new opens; February's short window is the next one
    assert keys(due_windows(RULES, monthly, date(2027, 2, 1)))[-2:] == ["2027-01", "2027-02"]
    assert keys(due_windows(RULES, monthly, date(2026, 8, 20))) == ["2026-09"]
    short = load_rules({"backfill_days": 40})
    assert keys(due_windows(short, monthly, date(2026, 11, 10))) == ["2026-10", "2026-11", "2026-12"]


def test_windows_run_from_local_midnight_to_local_midnight():
    november = evacuation_windows(RULES, SCHOOL_YEAR, "monthly")[2]
    start, end = window_bounds(RULES, november)
    assert start == datetime(2026, 10, 31, 16, tzinfo=UTC)  # 1 November 00:00 in Beijing
    assert end == datetime(2026, 11, 30, 16, tzinfo=UTC)    # the moment 30 November ends
    assert end - start == timedelta(days=30)


def test_slow_evacuation_threshold_by_building_height():
    assert slow_evacuation_threshold(RULES, 3) == 120
    assert slow_evacuation_threshold(RULES, 4) == 120
    assert slow_evacuation_threshold(RULES, 6) is None
    taller = load_rules({"slow_evacuation": [[4, 120], [8, 180]]})
    assert slow_evacuation_threshold(taller, 6) == 180


def test_configuration_overrides_and_is_checked():
    rules = load_rules({"cadence": {"kindergarten": "monthly"}, "intensive_cadence": "monthly",
                        "reminder_days": 5})
    assert cadence_for(rules, SchoolType.kindergarten, False) == "monthly"
    assert cadence_for(rules, SchoolType.special_education, False) == "monthly"
    assert rules.reminder_days == 5
    with pytest.raises(ValueError, match="cadence"):
        load_rules({"default_cadence": "weekly-ish"})
    with pytest.raises(ValueError, match="unknown DRILL_RULES keys"):
        load_rules({"reminder_day": 2})
