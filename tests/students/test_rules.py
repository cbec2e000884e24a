"""The reasons and visit rounds as data: each shipped reason names its source; a deployment replaces them."""
import pytest

from safety.students.rules import load_rules
from tests.campaigns.conftest import at, run


def test_shipped_reasons_name_their_source_and_the_summer_round_is_the_default():
    rules = load_rules()
    assert {"left_behind", "in_difficulty", "near_water"} <= set(rules.flags)
    assert all(flag["source"] and flag["name_zh"] for flag in rules.flags.values())
    assert [(r.key, sorted(r.months), r.lead_days) for r in rules.rounds] == [("summer", [6, 7, 8], 21)]


def test_a_deployment_adds_a_winter_round():
    winter = {"key": "winter", "name_zh": "寒假前家访", "months": [1, 2], "lead_days": 14}
    rules = load_rules({"rounds": [winter]})
    assert [(r.key, r.lead_days) for r in rules.rounds] == [("winter", 14)]


@pytest.mark.parametrize("overrides", [{"unknown": 1}, {"rounds": [{"key": "x", "name_zh": "x", "months": [13],
                                                                     "lead_days": 7}]},
                                       {"rounds": [{"key": "x", "name_zh": "x", "months": [7], "lead_days": 0}]}])
def test_bad_rules_are_refused(overrides):
    with pytest.raises(ValueError):
        load_rules(overrides)


def test_a_configured_round_makes_visit_tasks_before_that_holiday(app, world, season, api, monkeypatch):
    monkeypatch.setitem(app.config, "KEY_STUDENT_RULES", {"rounds": [
        {"key": "may_day", "name_zh": "劳动节前家访", "months": [5], "lead_days": 7}]})
    own = season.classes_a[0]
    created = api.post(f"/api/v1/classes/{own.id}/key-students", "principal_a", at(2027, 4, 1),
                       json={"name": "孙一诺", "flags": ["near_water"]})
    assert created.status_code == 201, created.json
    assert run("home_visit_tasks", at(2027, 4, 23)) == 0
    assert run("home_visit_tasks", at(2027, 4, 24)) == 1   # May Day is 05-01: a week ahead
    owed = api.get(f"/api/v1/key-students/{created.json['id']}", "principal_a", at(2027, 4, 24)).json
    assert [(t["name_zh"], t["due_on"]) for t in owed["visits_owed"]] == [("劳动节前家访", "2027-04-30")]


def test_a_region_keeps_its_own_version_of_a_round(app, world, season, api, monkeypatch):
    shipped = {"key": "summer", "name_zh": "暑假前家访", "months": [7], "lead_days": 21}
    monkeypatch.setitem(app.config, "KEY_STUDENT_RULES", {"rounds": [
        shipped, {**shipped, "name_zh": "暑假前家访（乙区）", "lead_days": 30, "regions": ["DB"]}]})
    ids = [api.post(f"/api/v1/classes/{k.id}/key-students", user, at(2027, 4, 1),
                    json={"name": "周浩然", "flags": ["left_behind"]}).json["id"]
           for user, k in (("principal_a", season.classes_a[0]), ("principal_c", season.classes_c[0]))]
    assert run("home_visit_tasks", at(2027, 6, 10)) == 1     # district B: 30 days before 07-10
    assert run("home_visit_tasks", at(2027, 6, 19)) == 1     # district A: the default's 21 days
    owed = [api.get(f"/api/v1/key-students/{i}", user, at(2027, 6, 19)).json["visits_owed"]
            for i, user in zip(ids, ("principal_a", "principal_c"), strict=True)]
    assert [[(t["name_zh"], t["opens_on"]) for t in o] for o in owed] == [
        [("暑假前家访", "2027-06-19")], [("暑假前家访（乙区）", "2027-06-10")]]
