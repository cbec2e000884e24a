"""Who may move a hazard's deadline, how far, and what the history says (issue 11: escaping escalation,
supervision, acting at another level). Only offices move deadlines later, within ESCALATION_POLICY; every
change is an event with the old and the new deadline, who and why."""
from datetime import datetime, timedelta

import pytest

from safety.core.clock import frozen, now
from safety.extensions import db
from tests.api.test_escalations import level_of, open_hazard, sweep
from tests.factories import create_point


@pytest.fixture
def point(world):
    point = create_point(world.school_a, code="A-1F-EXT-01")
    db.session.commit()
    return point


def plan(deadline: datetime, measures="更换门锁为推闩") -> dict:
    return {"measures": measures, "responsible_person": "王校长", "funding": "学校公用经费 2000 元",
            "deadline": deadline.isoformat(), "contingency_plan": "整改期间专人值守"}


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def act(client, world, who, hazard_id, **body):
    return client.post(f"/api/v1/hazards/{hazard_id}/escalation", json=body, headers=world.headers(who))


def detail(client, world, hazard_id, who="office_a"):
    return client.get(f"/api/v1/hazards/{hazard_id}", headers=world.headers(who)).json


def test_a_principals_plan_cannot_move_a_general_hazards_deadline_and_it_still_escalates(client, world, point):
    hazard = open_hazard(client, world, point)
    five_years = now() + timedelta(days=5 * 365)
    r = client.post(f"/api/v1/hazards/{hazard['id']}/five-fixed", json=plan(five_years),
                    headers=world.headers("principal_a"))
    assert r.status_code == 409 and r.json["error"]["code"] == "not_major"
    after = detail(client, world, hazard["id"], "principal_a")
    assert (after["deadline"], after["five_fixed"]) == (hazard["deadline"], None)
    assert [e["action"] for e in after["events"]] == ["opened"]
    assert sweep(now() + timedelta(days=7, hours=1)) == 1 and level_of(hazard["id"]) == 1


def test_a_schools_plan_for_a_major_hazard_may_finish_earlier_never_later(client, world, point):
    hazard = open_hazard(client, world, point, key="exit_locked")  # major: 30 days, at the district at once
    hid, set_deadline = hazard["id"], when(hazard["deadline"])
    for who in ("principal_a", "office_a"):  # the plan is bounded for everyone; offices extend instead
        later = client.post(f"/api/v1/hazards/{hid}/five-fixed", json=plan(set_deadline + timedelta(minutes=1)),
                            headers=world.headers(who))
        assert later.status_code == 422 and list(later.json["error"]["fields"]) == ["deadline"], who
    unchanged = detail(client, world, hid)
    assert (unchanged["deadline"], unchanged["five_fixed"]) == (hazard["deadline"], None)
    assert [e["action"] for e in unchanged["events"]] == ["opened", "escalated"]

    earlier = (set_deadline - timedelta(days=10)).replace(microsecond=0)
    r = client.post(f"/api/v1/hazards/{hid}/five-fixed", json=plan(earlier), headers=world.headers("principal_a"))
    assert r.status_code == 200 and when(r.json["deadline"]) == earlier
    event = r.json["events"][-1]
    assert (event["action"], event["actor_id"], event["note"]) == ("five_fixed", world.principal_a.id, "更换门锁为推闩")
    assert when(event["data"]["old_deadline"]) == set_deadline and when(event["data"]["new_deadline"]) == earlier
    assert r.json["five_fixed"]["deadline"] == earlier.isoformat()
    # its own plan cannot be loosened again to the original deadline either
    back = client.post(f"/api/v1/hazards/{hid}/five-fixed", json=plan(set_deadline),
                       headers=world.headers("principal_a"))
    assert back.status_code == 422 and when(detail(client, world, hid)["deadline"]) == earlier
    # on the deadline itself: accepted, and the deadline stays
    on_it = client.post(f"/api/v1/hazards/{hid}/five-fixed", json=plan(earlier, "加装推闩"),
                        headers=world.headers("principal_a"))
    assert on_it.status_code == 200 and when(on_it.json["deadline"]) == earlier


def test_an_extension_is_later_at_most_30_days_after_the_current_deadline_and_twice_at_most(client, world, point):
    hazard = open_hazard(client, world, point)
    hid, current = hazard["id"], when(hazard["deadline"])
    sweep(now() + timedelta(days=8))
    with frozen(now() + timedelta(days=8)):
        def extend(to, lang="zh-CN"):
            return client.post(f"/api/v1/hazards/{hid}/escalation", json={
                "action": "extend", "deadline": to.isoformat(), "reason": "需采购配件"},
                headers={**world.headers("office_a"), "Accept-Language": lang})

        too_far = extend(current + timedelta(days=30, seconds=1), lang="en")
        assert too_far.status_code == 422
        assert too_far.json["error"]["fields"]["deadline"] == [
            "Choose a date after the current deadline and at most 30 days after it."]
        assert "30" in extend(current + timedelta(days=31)).json["error"]["fields"]["deadline"][0]
        for not_later in (current, current - timedelta(hours=1)):
            assert extend(not_later).status_code == 422
        assert [e["action"] for e in detail(client, world, hid)["events"]] == ["opened", "escalated"]

        first = extend(current + timedelta(days=30))
        assert first.status_code == 200 and when(first.json["deadline"]) == current + timedelta(days=30)
        event = first.json["events"][-1]
        assert (event["action"], event["actor_id"], event["note"]) == ("extended", world.office_a.id, "需采购配件")
        assert when(event["data"]["old_deadline"]) == current
        assert when(event["data"]["new_deadline"]) == current + timedelta(days=30)
        assert (event["data"]["office"], event["data"]["overdue_before"]) == ("甲区", True)
        second = extend(current + timedelta(days=60))
        assert second.status_code == 200 and when(second.json["deadline"]) == current + timedelta(days=60)
        third = extend(current + timedelta(days=61))
        assert third.status_code == 409 and third.json["error"]["code"] == "too_many_extensions"
        assert [e["action"] for e in detail(client, world, hid)["events"]][-2:] == ["extended", "extended"]


def test_a_long_overdue_hazard_is_extended_from_its_deadline_not_from_today(client, world, point):
    hazard = open_hazard(client, world, point)
    current = when(hazard["deadline"])
    sweep(now() + timedelta(days=60))  # at the city by now
    with frozen(now() + timedelta(days=60)):
        r = act(client, world, "city_office", hazard["id"], action="extend", reason="资金未到位",
                deadline=(now() + timedelta(days=10)).isoformat())
        assert r.status_code == 422  # today + 10 is more than 30 days after the deadline
        r = act(client, world, "city_office", hazard["id"], action="extend", reason="资金未到位",
                deadline=(current + timedelta(days=30)).isoformat())
        assert r.status_code == 200 and r.json["overdue"] is True  # later, but still overdue


def test_the_bounds_come_from_the_escalation_policy(app, client, world, point, monkeypatch):
    monkeypatch.setitem(app.config, "ESCALATION_POLICY", {"max_extension_days": 10, "max_extensions": 1})
    hazard = open_hazard(client, world, point)
    current = when(hazard["deadline"])

    def extend(days):
        return act(client, world, "office_a", hazard["id"], action="extend", reason="等待施工",
                   deadline=(current + timedelta(days=days)).isoformat())

    refused = extend(11)
    assert refused.status_code == 422 and "10" in refused.json["error"]["fields"]["deadline"][0]
    assert extend(10).status_code == 200
    assert extend(12).json["error"]["code"] == "too_many_extensions"


def test_supervision_sets_the_deadline_by_an_event_and_until_then_the_hazard_stays_overdue(client, world, point):
    hazard = open_hazard(client, world, point)
    hid = hazard["id"]
    sweep(now() + timedelta(days=8))
    with frozen(now() + timedelta(days=8)):
        new_deadline = (now() + timedelta(days=20)).replace(microsecond=0)
        base = {"action": "supervise", "supervisor": "李督导", "reason": "逾期未整改", "plan": plan(new_deadline)}
        refused = [act(client, world, "office_a", hid, **{k: v for k, v in base.items() if k != "reason"}),
                   act(client, world, "office_a", hid, **{**base, "plan": plan(now() + timedelta(days=91))}),
                   act(client, world, "office_a", hid, **{**base, "plan": plan(now() - timedelta(hours=1))}),
                   act(client, world, "principal_a", hid, **base)]
        assert [r.status_code for r in refused] == [422, 422, 422, 403]
        assert "reason" in refused[0].json["error"]["fields"]
        assert "plan.deadline" in refused[1].json["error"]["fields"]
        still = detail(client, world, hid)
        assert still["overdue"] is True and still["deadline"] == hazard["deadline"] and still["five_fixed"] is None
        overdue = client.get("/api/v1/hazards?overdue=true", headers=world.headers("office_a")).json["items"]
        assert [h["id"] for h in overdue] == [hid]

        r = act(client, world, "office_a", hid, **base)
        assert r.status_code == 200 and r.json["overdue"] is False and when(r.json["deadline"]) == new_deadline
        event = r.json["events"][-1]
        assert (event["action"], event["actor_id"], event["note"]) == ("supervised", world.office_a.id, "逾期未整改")
        assert when(event["data"]["old_deadline"]) == when(hazard["deadline"])
        assert when(event["data"]["new_deadline"]) == new_deadline
        assert {k: event["data"][k] for k in ("overdue_before", "supervisor", "office", "level")} == {
            "overdue_before": True, "supervisor": "李督导", "office": "甲区", "level": 1}
        assert r.json["five_fixed"]["measures"] == "更换门锁为推闩"
        again = act(client, world, "office_a", hid, **base)
        assert again.status_code == 409 and again.json["error"]["code"] == "already_supervised"
        assert client.get("/api/v1/hazards?overdue=true", headers=world.headers("office_a")).json["total"] == 0


def test_an_office_acts_only_at_its_own_level_and_the_history_names_it(client, world, point):
    hazard = open_hazard(client, world, point)
    hid = hazard["id"]
    sweep(now() + timedelta(days=40))
    assert level_of(hid) == 2
    with frozen(now() + timedelta(days=40)):
        deadline = when(hazard["deadline"]) + timedelta(days=20)
        actions = [{"action": "acknowledge", "note": "已知悉"},
                   {"action": "extend", "deadline": deadline.isoformat(), "reason": "区里同意"},
                   {"action": "supervise", "supervisor": "区督导", "reason": "区级督办",
                    "plan": plan(now() + timedelta(days=10))}]
        for body in actions:
            r = act(client, world, "office_a", hid, **body)
            assert r.status_code == 403 and r.json["error"]["code"] == "other_level", body["action"]
        assert [e["action"] for e in detail(client, world, hid)["events"]] == ["opened", "escalated", "escalated"]
        assert detail(client, world, hid)["deadline"] == hazard["deadline"]

        comment = act(client, world, "office_a", hid, action="comment", note="区里已督促学校")
        assert comment.status_code == 200
        assert (comment.json["events"][-1]["actor_id"], comment.json["events"][-1]["data"]["office"]) == (
            world.office_a.id, "甲区")
        ack = act(client, world, "city_office", hid, action="acknowledge", note="市局已签收")
        assert ack.status_code == 200
        event = ack.json["events"][-1]
        assert (event["action"], event["actor_id"], event["data"]["office"], event["data"]["level"]) == (
            "acknowledged", world.city_office.id, "测试市", 2)
        queue = client.get("/api/v1/escalations", headers=world.headers("city_office")).json["items"]
        assert [i["acknowledged_at"] is not None for i in queue if i["id"] == hid] == [True]


def test_the_city_does_not_act_for_the_district_and_the_district_answers_for_its_schools(client, world, point):
    escalated = open_hazard(client, world, point, key="exit_locked")  # major: level 1 at once
    r = act(client, world, "city_office", escalated["id"], action="acknowledge", note="")
    assert r.status_code == 403 and r.json["error"]["code"] == "other_level"
    assert act(client, world, "admin", escalated["id"], action="acknowledge", note="").status_code == 200
    assert act(client, world, "office_a", escalated["id"], action="acknowledge", note="").status_code == 200
    at_school = open_hazard(client, world, point)  # level 0: its district may extend it before it is late
    to = (when(at_school["deadline"]) + timedelta(days=5)).isoformat()
    assert act(client, world, "principal_a", at_school["id"], action="extend", deadline=to,
               reason="学校申请").status_code == 403
    r = act(client, world, "office_a", at_school["id"], action="extend", deadline=to, reason="学校申请")
    assert r.status_code == 200 and r.json["events"][-1]["data"]["office"] == "甲区"
