"""Parent receipts: a code per class, one receipt per child, the same answer every time, paper slips, limits."""
import pytest
from sqlalchemy import func, select

from safety.campaigns.models import ClassLetter, ParentReceipt
from safety.extensions import db
from tests.campaigns.conftest import at, campaign, run


@pytest.fixture
def letters(world, season):
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def letter_of(campaign_id, school_class) -> ClassLetter:
    return db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == campaign_id,
                                                       ClassLetter.class_id == school_class.id))


def test_a_parent_confirms_once_per_child_and_learns_nothing_else(api, world, season, letters):
    token = letter_of(letters.id, season.classes_a[0]).token
    moment = at(2027, 4, 3, 20)
    opened = api.get(f"/api/v1/public/receipts/{token}", None, moment)
    assert opened.status_code == 200
    assert opened.json == {"confirmed": False, "school": "甲区第一小学", "class_name": "3年级1班",
                           "campaign": "2027年防溺水专项行动", "open": True}
    first = api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": "张 小明", "signer": "张伟"})
    again = api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": "张小明"})
    full_width = api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": "ＺＨＡＮＧ"})
    latin = api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": "zhang"})
    # The same answer whether or not the child was confirmed before: nothing about other children leaks.
    assert first.status_code == again.status_code == full_width.status_code == latin.status_code == 200
    assert first.json == again.json == latin.json
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 2  # 张小明 and ZHANG

    assert api.post("/api/v1/public/receipts/not-a-token", None, moment, json={"child": "x"}).status_code == 404
    assert api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": " "}).status_code == 422
    assert api.post(f"/api/v1/public/receipts/{token}", None, moment,
                    json={"child": "李四", "class_id": 3}).status_code == 422  # unknown fields are refused

    seen = api.get(f"/api/v1/campaigns/{letters.id}/classes/{season.classes_a[0].id}/receipts", "principal_a",
                   moment).json["items"]
    assert [r["child"] for r in seen] == ["张 小明", "ＺＨＡＮＧ"]
    for user, status in [("officer_a", 403), ("principal_b", 404), ("office_a", 200)]:
        assert api.get(f"/api/v1/campaigns/{letters.id}/classes/{season.classes_a[0].id}/receipts", user,
                       moment).status_code == status, user


def test_paper_receipts_add_up_with_online_ones_up_to_the_class_size(api, world, season, letters):
    school_class = season.classes_a[0]
    token = letter_of(letters.id, school_class).token
    moment = at(2027, 4, 6)
    for n in range(3):
        api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": f"学生{n}"})
    path = f"/api/v1/campaigns/{letters.id}/classes/{school_class.id}/paper-receipts"
    assert api.put(path, "officer_a", moment, json={"count": 10}).status_code == 403  # schools' managers only
    assert api.put(path, "principal_a", moment, json={"count": 41}).status_code == 422  # 40 students
    paper = api.put(path, "principal_a", moment, json={"count": 30})
    assert paper.status_code == 200, paper.json
    assert (paper.json["online_receipts"], paper.json["paper_receipts"], paper.json["received"]) == (3, 30, 33)
    assert paper.json["rate"] == 82.5

    progress = api.get(f"/api/v1/campaigns/{letters.id}/progress?school_id={world.school_a.id}", "principal_a",
                       moment).json
    assert (progress["overall"]["receipts"], progress["overall"]["students"]) == (33, 80)
    assert progress["classes"][0]["receipts"] == 33
    api.put(path, "principal_a", moment, json={"count": 40})
    capped = api.get(f"/api/v1/campaigns/{letters.id}/progress?school_id={world.school_a.id}", "principal_a",
                     moment).json
    assert capped["classes"][0]["receipts"] == 40 and capped["overall"]["receipt_rate"] == 50.0

    listed = api.get(f"/api/v1/campaigns/{letters.id}/letters?school_id={world.school_a.id}", "principal_a",
                     moment).json["items"]
    assert [row["class_name"] for row in listed] == ["3年级1班", "3年级2班"]
    token = letter_of(letters.id, season.classes_a[1]).token
    assert listed[1]["url"] == f"https://safety.example.cn/r/{token}"  # the parent page


def test_receipts_are_rate_limited_per_address(api, app, monkeypatch, season, letters):
    monkeypatch.setitem(app.config, "CAMPAIGN_RECEIPTS_PER_HOUR", 3)
    token = letter_of(letters.id, season.classes_a[0]).token
    moment = at(2027, 4, 6)
    codes = [api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": f"孩子{n}"}).status_code
             for n in range(4)]
    assert codes == [200, 200, 200, 429]
    later = api.post(f"/api/v1/public/receipts/{token}", None, at(2027, 4, 6, 13, 1), json={"child": "孩子9"})
    assert later.status_code == 200


def test_after_the_season_the_code_no_longer_takes_receipts(api, season, letters):
    token = letter_of(letters.id, season.classes_a[0]).token
    run("campaign_calendar", at(2027, 10, 1, 1))
    moment = at(2027, 10, 2)
    assert api.get(f"/api/v1/public/receipts/{token}", None, moment).json["open"] is False
    assert api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": "王五"}).status_code == 409


def test_a_class_of_fifty_parents_behind_one_carrier_address_all_get_through(api, season, letters):
    """Phones on a carrier's network share one public address (CGNAT): the defaults let two classes through."""
    moment = at(2027, 4, 6, 20)
    for school_class in season.classes_a:
        token = letter_of(letters.id, school_class).token
        codes = {api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": f"孩子{n}"},
                          environ_base={"REMOTE_ADDR": "100.64.0.1"}).status_code for n in range(50)}
        assert codes == {200}
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 100


def test_failed_receipts_count_and_each_letter_has_its_own_limit(api, app, monkeypatch, season, letters):
    monkeypatch.setitem(app.config, "CAMPAIGN_RECEIPTS_PER_LETTER_HOUR", 3)
    first, second = (letter_of(letters.id, c).token for c in season.classes_a)
    moment = at(2027, 4, 6, 20)

    def post(token, child, address="100.64.0.2"):
        return api.post(f"/api/v1/public/receipts/{token}", None, moment, json={"child": child},
                        environ_base={"REMOTE_ADDR": address}).status_code

    assert [post(first, " ", f"100.64.1.{n}") for n in range(3)] == [422, 422, 422]  # refused, still counted
    assert post(first, "王五") == 429
    assert post(second, "王五") == 200
    monkeypatch.setitem(app.config, "CAMPAIGN_RECEIPTS_PER_HOUR", 3)
    assert [post(f"guess-{n}", "王五", "100.64.2.2") for n in range(3)] == [404, 404, 404]  # guessing codes
    assert post(second, "赵六", "100.64.2.2") == 429
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 1


def test_a_name_too_long_is_refused_never_cut(api, season, letters):
    token = letter_of(letters.id, season.classes_a[0]).token
    moment, path = at(2027, 4, 3, 20), f"/api/v1/public/receipts/{token}"
    for body, field in [({"child": "张" * 65}, "child"), ({"child": "张三", "signer": "李" * 51}, "signer")]:
        refused = api.post(path, None, moment, json=body)
        assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == [field], body
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 0
    assert api.post(path, None, moment, json={"child": "张" * 64, "signer": "李" * 50}).status_code == 200
    assert db.session.execute(select(ParentReceipt.child, ParentReceipt.signer)).one() == ("张" * 64, "李" * 50)
