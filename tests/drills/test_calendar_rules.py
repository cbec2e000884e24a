"""The compliance calendar's windows as pure functions: term time, rotation, thresholds, configuration.

Who owes which windows (cadence per school type, night and bus drills) is decided in SQL by the assignment job
and tested through it in test_drill_rules_jobs.py."""
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from safety.drills.models import CalendarKind, DrillKind
from safety.drills.rules import (
    BUS,
    EVACUATION,
    NIGHT,
    Period,
    SchoolCalendar,
    due_windows,
    evacuation_windows,
    load_rules,
    slow_evacuation_threshold,
    term_windows,
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


def test_a_semimonthly_cadence_if_configured_has_two_windows_a_month_in_term_time():
    windows = evacuation_windows(RULES, SCHOOL_YEAR, "semimonthly")
    assert len(windows) == 20
    assert "2027-02" not in keys(windows) and "2027-02b" in keys(windows)  # 1–15 Feb is winter holiday
    assert "2027-07" in keys(windows) and "2027-07b" not in keys(windows)
    assert [(w.starts_on, w.ends_on) for w in windows if w.period_key.startswith("2026-11")] == [
        (date(2026, 11, 1), date(2026, 11, 15)), (date(2026, 11, 16), date(2026, 11, 30))]


def test_bus_and_night_drills_once_per_term():
    windows = term_windows(RULES.bus, SCHOOL_YEAR)
    assert [(w.requirement, w.period_key, w.kind) for w in windows] == [
        (BUS, "2026-autumn", DrillKind.bus_evacuation), (BUS, "2027-spring", DrillKind.bus_evacuation)]
    assert (windows[0].starts_on, windows[0].ends_on) == (date(2026, 9, 1), date(2027, 1, 20))
    night = term_windows(RULES.night, SCHOOL_YEAR)
    assert [(w.requirement, w.period_key) for w in night] == [(NIGHT, "2026-autumn"), (NIGHT, "2027-spring")]
    off = load_rules({"bus": {"per_term": False, "kind": "bus_evacuation", "school_bus": True}})
    assert term_windows(off.bus, SCHOOL_YEAR) == [] and off.term_rules() == (off.night,)


def test_a_school_open_in_the_holidays_keeps_its_summer_quarter():
    ends_in_june = SchoolCalendar([Period(TERM, date(2026, 3, 2), date(2026, 6, 30)),
                                   Period(HOLIDAY, date(2026, 7, 1), date(2026, 8, 31)),
                                   Period(TERM, date(2026, 9, 1), date(2027, 1, 20))])
    in_term = {w.period_key: (w.starts_on, w.ends_on) for w in evacuation_windows(RULES, ends_in_june, "quarterly")}
    assert in_term["2026-Q3"] == (date(2026, 9, 1), date(2026, 9, 30))  # cut to September in term time
    all_year = evacuation_windows(RULES, ends_in_june.year_round(), "quarterly")
    assert {w.period_key: (w.starts_on, w.ends_on) for w in all_year}["2026-Q3"] == (date(2026, 7, 1),
                                                                                    date(2026, 9, 30))


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


def test_kinds_rotate_by_month_and_no_season_applies_by_default():
    kinds = {w.period_key: w.kind for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly")}
    rotating = [kinds[k] for k in ("2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03",
                                   "2027-04")]
    assert set(rotating) == {DrillKind.fire, DrillKind.earthquake, DrillKind.intruder, DrillKind.stampede}
    assert all(a != b for a, b in itertools.pairwise(rotating))
    assert rotating[:4] == rotating[4:]  # the same four in the same order, again
    assert kinds["2027-05"] != DrillKind.flood and kinds["2027-06"] != DrillKind.flood  # flood is opt-in
    assert all(w.regional == () for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly"))
    # deterministic: the same calendar gives the same kinds
    assert kinds == {w.period_key: w.kind for w in evacuation_windows(RULES, SCHOOL_YEAR, "monthly")}


def test_seasonal_kinds_are_offered_to_the_regions_that_opt_in():
    rules = load_rules({"seasonal": [{"kind": "typhoon", "months": [9], "regions": ["QH"]},
                                     {"kind": "flood", "months": [9], "regions": []}]})
    september = evacuation_windows(rules, SCHOOL_YEAR, "monthly")[0]
    assert september.regional == ((DrillKind.typhoon, ("QH",)),)
    assert september.kind in {DrillKind.fire, DrillKind.earthquake, DrillKind.intruder, DrillKind.stampede}


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
    assert slow_evacuation_threshold(RULES, 3, ["LJ"]) == 120
    assert slow_evacuation_threshold(RULES, 4, ["LJ"]) == 120  # G2014: four floors or fewer, two minutes
    assert slow_evacuation_threshold(RULES, 6, ["LJ", "DH"]) is None  # no national figure above four floors
    taller = load_rules({"taller_buildings": {"seconds": {"LJ": 180, "DH": 150}}})
    assert slow_evacuation_threshold(taller, 6, ["LJ", "DH"]) == 150  # the nearest region's figure
    assert slow_evacuation_threshold(taller, 6, ["LJ", "XS"]) == 180
    assert slow_evacuation_threshold(taller, 4, ["LJ", "DH"]) == 120


def test_every_shipped_default_names_its_source():
    from safety.drills.rules import default_rules
    shipped = default_rules()
    for section in ("cadence", "bus", "night", "rotation", "taller_buildings"):
        assert shipped[section]["source"], section
    for entry in [*shipped["seasonal"], *shipped["slow_evacuation"], *shipped["kinds"].values()]:
        assert entry["source"], entry
    assert "教基一厅〔2014〕2号" in shipped["cadence"]["source"]
    assert [p.key for p in RULES.kinds[DrillKind.earthquake].phases] == ["take_cover", "evacuate", "respond",
                                                                          "review"]


def test_configuration_overrides_and_is_checked():
    rules = load_rules({"cadence": {"default": "monthly", "kindergarten": "monthly"}, "reminder_days": 5})
    assert rules.cadence[SchoolType.kindergarten] == "monthly"
    assert rules.reminder_days == 5
    with pytest.raises(ValueError, match="cadence"):
        load_rules({"cadence": {"default": "weekly-ish"}})
    with pytest.raises(ValueError, match="unknown DRILL_RULES keys"):
        load_rules({"reminder_day": 2})
