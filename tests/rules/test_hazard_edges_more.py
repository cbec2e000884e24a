"""Hazard edges a principal or officer would meet: a deadline of exactly now, a title exactly as long as the
column, a rectification naming a photo not yet uploaded (a plain 422, not "shows the problem"), and the funds and
interim measures a rectification states kept in its history, and a rejected rectification's photo offered again."""
from __future__ import annotations

import pytest

from safety.core.clock import frozen, now
from safety.extensions import db
from safety.hazards.models import HazardStatus as S
from tests.api.test_inspections import submission
from tests.browser.conftest import page_login
from tests.factories import PASSWORD, answers, create_point, create_template, scene, upload_photo
from tests.rules.support import make_hazard, reload


def test_a_deadline_of_exactly_now_is_refused_on_assignment(client, world):
    hazard = make_hazard(world.school_a)
    moment = now().replace(microsecond=0)
    with frozen(moment):
        response = client.post(f"/api/v1/hazards/{hazard.id}/assign", headers=world.headers("principal_a"),
                               json={"assignee_id": world.officer_a.id, "deadline": moment.isoformat()})
    assert response.status_code == 422 and "deadline" in response.json["error"]["fields"]
    assert reload(hazard.id).status == S.reported


@pytest.mark.parametrize(("length", "shortened"), [(296, False), (297, True)])
def test_a_title_as_long_as_the_column_is_kept_whole(client, world, length, shortened):
    text = ("安全出口畅通" * 50)[:length]
    point = create_point(world.school_a, code=f"T-{length}", template=create_template(
        items=[{"key": "exit", "kind": "pass_fail", "text_zh": text, "text_en": "Exit clear"}]))
    db.session.commit()
    body = submission(point, results=answers(point.template.current_version, exit={"outcome": "fail"}))
    response = client.post("/api/v1/inspections", json=body, headers=world.headers("officer_a"))
    [hazard] = response.json["hazards"]
    expected = "不符合：" + (text[:295] + "…" if shortened else text)
    assert hazard["title"] == expected and len(hazard["title"]) == 300


def _rectifying(world):
    return make_hazard(world.school_a, status=S.rectifying, assignee=world.officer_a)


def test_a_rectification_naming_a_photo_not_yet_uploaded_is_a_plain_422(client, world):
    hazard = _rectifying(world)
    response = client.post(f"/api/v1/hazards/{hazard.id}/rectify", headers=world.headers("officer_a"),
                           json={"note": "已整改", "photos": ["ab" * 32]})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed", response.json
    assert list(response.json["error"]["fields"]) == ["photos"]
    assert reload(hazard.id).status == S.rectifying


def test_the_funds_and_interim_measures_of_a_rectification_stay_in_its_history(client, world):
    hazard = _rectifying(world)
    photo = upload_photo(client, world.headers("officer_a"), scene(41)).json
    response = client.post(f"/api/v1/hazards/{hazard.id}/rectify", headers=world.headers("officer_a"),
                           json={"note": "更换配电箱", "photos": [photo["id"]], "funds": "1500元",
                                 "interim_measures": "设置警戒线"})
    assert response.status_code == 200, response.json
    [event] = [e for e in client.get(f"/api/v1/hazards/{hazard.id}", headers=world.headers("principal_a"))
               .json["events"] if e["action"] == "rectify"]
    assert (event["data"].get("funds"), event["data"].get("interim_measures")) == ("1500元", "设置警戒线")


def test_after_a_rejected_rectification_its_photo_may_be_offered_again_with_more(client, world):
    """Only the photos that recorded the hazard are refused as evidence: the principal asked for one more photo,
    and the rectifier sends the first one again beside it."""
    hazard, officer = _rectifying(world), world.headers("officer_a")
    first = upload_photo(client, officer, scene(42)).json
    assert client.post(f"/api/v1/hazards/{hazard.id}/rectify", headers=officer,
                       json={"note": "更换灭火器", "photos": [first["id"]]}).status_code == 200
    rejected = client.post(f"/api/v1/hazards/{hazard.id}/verify", headers=world.headers("principal_a"),
                           json={"accepted": False, "note": "请补拍压力表读数"})
    assert rejected.status_code == 200 and rejected.json["status"] == "rectifying", rejected.json
    gauge = upload_photo(client, officer, scene(43)).json
    again = client.post(f"/api/v1/hazards/{hazard.id}/rectify", headers=officer,
                        json={"note": "已补拍压力表", "photos": [first["id"], gauge["id"]]})
    assert again.status_code == 200 and again.json["status"] == "awaiting_verification", again.json


def test_the_hazard_page_names_each_step_of_its_history(client, world):
    """A move is named by its transition's label (policy.TRANSITIONS): the rectification reads "整改完成"."""
    hazard, officer = _rectifying(world), world.headers("officer_a")
    photo = upload_photo(client, officer, scene(44)).json
    assert client.post(f"/api/v1/hazards/{hazard.id}/rectify", headers=officer,
                       json={"note": "更换灭火器", "photos": [photo["id"]]}).status_code == 200
    page_login(client, "principal_a", PASSWORD)
    history = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "<strong>整改完成</strong>" in history, history
