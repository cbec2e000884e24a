"""The drill calendar at its edges, as boundary tables: the first and last day of a term and of a holiday, the
month a term's name turns from spring to autumn, two terms of one season, a window that closed exactly
`backfill_days` ago, quarters and half-months across a year's end, and configuration that must be refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from safety.drills.models import CalendarKind, DrillKind
from safety.drills.rules import (
    EVACUATION,
    Period,
    SchoolCalendar,
    Window,
    due_windows,
    evacuation_windows,
    load_rules,
    slow_evacuation_threshold,
    term_windows,
)
from safety.schools.models import SchoolType

TERM, HOLIDAY = CalendarKind.term, CalendarKind.holiday
RULES = load_rules()
AUTUMN = SchoolCalendar([Period(TERM, date(2026, 9, 1), date(2027, 1, 20)),
                         Period(HOLIDAY, date(2026, 10, 1), date(2026, 10, 7))])


@pytest.mark.parametrize(("day", "school_day"), [
    (date(2026, 8, 31), False), (date(2026, 9, 1), True),      # the term's first day counts
    (date(2026, 9, 30), True), (date(2026, 10, 1), False),     # the holiday's first day does not
    (date(2026, 10, 7), False), (date(2026, 10, 8), True),     # nor its last
    (date(2027, 1, 20), True), (date(2027, 1, 21), False),     # the term's last day counts
])
def test_term_and_holiday_days_are_inclusive(day, school_day):
    assert AUTUMN.is_school_day(day) is school_day


@pytest.mark.parametrize(("first_day", "key"), [
    (date(2027, 2, 23), "2027-spring"), (date(2027, 6, 30), "2027-spring"),
    (date(2027, 7, 1), "2027-autumn"), (date(2027, 9, 1), "2027-autumn"),
])
def test_a_terms_name_turns_to_autumn_in_july(first_day, key):
    calendar = SchoolCalendar([Period(TERM, first_day, first_day + timedelta(days=20))])
    assert [w.period_key for w in term_windows(RULES.bus, calendar)] == [key]


def test_two_terms_of_one_season_get_numbered_keys():
    calendar = SchoolCalendar([Period(TERM, date(2027, 2, 23), date(2027, 4, 1)),
                               Period(TERM, date(2027, 4, 10), date(2027, 5, 20)),
                               Period(TERM, date(2027, 5, 25), date(2027, 6, 30))])
    windows = term_windows(RULES.night, calendar)
    assert [w.period_key for w in windows] == ["2027-spring", "2027-spring-2", "2027-spring-3"]
    assert [(w.starts_on, w.ends_on) for w in windows] == [
        (date(2027, 2, 23), date(2027, 4, 1)), (date(2027, 4, 10), date(2027, 5, 20)),
        (date(2027, 5, 25), date(2027, 6, 30))]


def test_a_term_entirely_on_holiday_has_no_window():
    calendar = SchoolCalendar([Period(TERM, date(2027, 2, 23), date(2027, 3, 1)),
                               Period(HOLIDAY, date(2027, 2, 20), date(2027, 3, 5)),
                               Period(TERM, date(2027, 3, 10), date(2027, 6, 30))])
    assert [(w.period_key, w.starts_on) for w in term_windows(RULES.bus, calendar)] == [
        ("2027-spring-2", date(2027, 3, 10))]


def _window(key, starts_on, ends_on):
    return Window(EVACUATION, key, starts_on, ends_on, DrillKind.fire)


@pytest.mark.parametrize(("closed_days_ago", "due"), [(0, True), (29, True), (30, True), (31, False)])
def test_a_window_stays_due_for_backfill_days_after_it_closed(closed_days_ago, due):
    rules = load_rules({"backfill_days": 30})
    as_of = date(2027, 3, 15)
    closed = _window("old", as_of - timedelta(days=closed_days_ago + 10), as_of - timedelta(days=closed_days_ago))
    assert (closed in due_windows(rules, [closed], as_of)) is due


@pytest.mark.parametrize(("opens_in_days", "listed"), [(-1, ["opening", "later"]), (0, ["opening", "later"]),
                                                       (1, ["opening"]), (2, ["opening"])])
def test_a_window_opening_today_is_due_and_only_the_next_one_is_listed_ahead(opens_in_days, listed):
    as_of = date(2027, 3, 15)
    opening = _window("opening", as_of + timedelta(days=opens_in_days), as_of + timedelta(days=40))
    later = _window("later", as_of + timedelta(days=50), as_of + timedelta(days=60))
    assert [w.period_key for w in due_windows(RULES, [later, opening], as_of)] == listed


def test_no_window_is_listed_when_none_has_opened_or_is_ahead():
    as_of = date(2027, 3, 15)
    assert due_windows(RULES, [_window("long-closed", date(2026, 1, 1), date(2026, 1, 31))], as_of) == []


def test_quarters_and_months_roll_over_the_year_end():
    all_year = SchoolCalendar([Period(TERM, date(2026, 11, 20), date(2027, 4, 10))])
    quarters = evacuation_windows(RULES, all_year, "quarterly")
    assert [(w.period_key, w.starts_on, w.ends_on) for w in quarters] == [
        ("2026-Q4", date(2026, 11, 20), date(2026, 12, 31)), ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
        ("2027-Q2", date(2027, 4, 1), date(2027, 4, 10))]
    months = evacuation_windows(RULES, all_year, "monthly")
    assert [w.period_key for w in months] == ["2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"]
    assert [(w.starts_on, w.ends_on) for w in months[1:3]] == [(date(2026, 12, 1), date(2026, 12, 31)),
                                                               (date(2027, 1, 1), date(2027, 1, 31))]
    halves = evacuation_windows(RULES, all_year, "semimonthly")
    assert [w.period_key for w in halves][:4] == ["2026-11b", "2026-12", "2026-12b", "2027-01"]
    assert (halves[1].ends_on, halves[2].starts_on) == (date(2026, 12, 15), date(2026, 12, 16))


def test_each_quarter_starts_its_own_rotation_turn():
    all_year = SchoolCalendar([Period(TERM, date(2026, 1, 1), date(2026, 12, 31))])
    kinds = [w.kind for w in evacuation_windows(RULES, all_year, "quarterly")]
    assert len(kinds) == 4 and len(set(kinds)) == 4  # four quarters, four different kinds


def test_a_season_takes_the_first_half_of_its_month_only():
    rules = load_rules({"seasonal": [{"kind": "typhoon", "months": [9], "regions": ["QH"]}]})
    halves = {w.period_key: w.regional for w in evacuation_windows(rules, AUTUMN, "semimonthly")}
    assert halves["2026-09"] == ((DrillKind.typhoon, ("QH",)),)
    assert halves["2026-09b"] == () and halves["2026-10b"] == ()
    months = {w.period_key: w.regional for w in evacuation_windows(rules, AUTUMN, "monthly")}
    assert months["2026-09"] == ((DrillKind.typhoon, ("QH",)),) and months["2026-10"] == ()


@pytest.mark.parametrize(("floors", "seconds"), [(1, 120), (4, 120), (5, None)])
def test_the_national_two_minutes_stop_at_four_floors(floors, seconds):
    assert slow_evacuation_threshold(RULES, floors, ["LJ"]) == seconds


@pytest.mark.parametrize("overrides", [
    {"rotation": {"kinds": []}},
    {"cadence": {"default": "monthly", "kindergarten": "fortnightly"}},
    {"timezones": "Asia/Shanghai"},
])
def test_configuration_that_cannot_work_is_refused(overrides):
    with pytest.raises(ValueError):
        load_rules(overrides)


def test_a_school_type_may_be_spared_evacuation_drills():
    """"none" is a cadence a deployment may choose (a type whose drills another plan covers): no windows at all."""
    rules = load_rules({"cadence": {"default": "monthly", "kindergarten": "none"}})
    assert rules.cadence[SchoolType.kindergarten] == "none" and rules.cadence[SchoolType.primary] == "monthly"
    assert evacuation_windows(rules, AUTUMN, rules.cadence[SchoolType.kindergarten]) == []
