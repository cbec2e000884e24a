"""Which drill a period asks for, as an office plans the year: the shipped rotation (fire, earthquake, intruder,
stampede) starts again every January, by quarter for kindergartens and by month for schools, in every year."""
from __future__ import annotations

from datetime import date

import pytest

from safety.drills.models import CalendarKind
from safety.drills.rules import Period, SchoolCalendar, evacuation_windows, load_rules

ROTATION = ["fire", "earthquake", "intruder", "stampede"]


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_the_quarters_of_a_year_take_the_rotation_in_order_from_january(year):
    calendar = SchoolCalendar([Period(CalendarKind.term, date(year, 1, 1), date(year, 12, 31))])
    quarters = evacuation_windows(load_rules(), calendar, "quarterly")
    assert [(w.period_key, w.kind.value) for w in quarters] == [(f"{year}-Q{q}", ROTATION[q - 1]) for q in (1, 2, 3, 4)]


def test_the_months_take_the_rotation_in_order_across_a_years_end():
    calendar = SchoolCalendar([Period(CalendarKind.term, date(2026, 11, 1), date(2027, 5, 31))])
    months = evacuation_windows(load_rules(), calendar, "monthly")
    assert [(w.period_key, w.kind.value) for w in months] == [
        ("2026-11", "intruder"), ("2026-12", "stampede"), ("2027-01", "fire"), ("2027-02", "earthquake"),
        ("2027-03", "intruder"), ("2027-04", "stampede"), ("2027-05", "fire")]


def test_half_months_take_two_turns_of_the_rotation_each_month():
    calendar = SchoolCalendar([Period(CalendarKind.term, date(2027, 1, 1), date(2027, 3, 31))])
    halves = evacuation_windows(load_rules(), calendar, "semimonthly")
    assert [(w.period_key, w.kind.value) for w in halves] == [
        ("2027-01", "fire"), ("2027-01b", "earthquake"), ("2027-02", "intruder"), ("2027-02b", "stampede"),
        ("2027-03", "fire"), ("2027-03b", "earthquake")]
