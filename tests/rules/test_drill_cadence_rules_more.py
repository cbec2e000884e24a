"""A quarterly school's seasonal drill: a quarter takes the season of its middle month (Q2 → May, Q3 → August),
so a region opting in to a flood season of May and June sees it in the second quarter and not in the first or
third, and a typhoon season of July to September in the third only."""
from __future__ import annotations

from datetime import date

from safety.drills.models import CalendarKind, DrillKind
from safety.drills.rules import Period, SchoolCalendar, evacuation_windows, load_rules

ALL_YEAR = SchoolCalendar([Period(CalendarKind.term, date(2027, 1, 1), date(2027, 12, 31))])


def _regional(months: list[int], kind: str) -> dict[str, tuple]:
    rules = load_rules({"seasonal": [{"kind": kind, "months": months, "regions": ["QH"]}]})
    return {w.period_key: w.regional for w in evacuation_windows(rules, ALL_YEAR, "quarterly")}


def test_a_quarter_takes_the_season_of_its_middle_month():
    flood = _regional([5, 6], "flood")
    assert flood == {"2027-Q1": (), "2027-Q2": ((DrillKind.flood, ("QH",)),), "2027-Q3": (), "2027-Q4": ()}
    april = _regional([4], "flood")  # the quarter's first month alone does not make it a flood quarter
    assert all(regional == () for regional in april.values())
    typhoon = _regional([8], "typhoon")
    assert [key for key, regional in typhoon.items() if regional] == ["2027-Q3"]
