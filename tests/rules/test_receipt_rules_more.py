"""Parent letters as a school sees them, through HTTP: paper slips up to the class size and not one more, the
received figure capped by the class, a class without pupils recorded, the letters in grade and class order, a
closed season refusing paper slips, and the receipt stickers: one per pupil, one for a class with none recorded,
or one for the whole class when asked."""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from shutil import which

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from safety.campaigns.letters import receipts
from safety.campaigns.models import ClassLetter
from safety.core.clock import frozen
from safety.extensions import db
from safety.labels import FontMissing, find_cjk_font
from tests.browser.conftest import page_login
from tests.campaigns.conftest import api, at, campaign, run, season  # noqa: F401 (fixtures)
from tests.conftest import require_tool
from tests.factories import PASSWORD, create_class

MOMENT = at(2027, 4, 6, 10)


def _open(world, extra_classes=()):
    """The season opened (with any extra classes created first); the anti-drowning run."""
    for school, grade, name, students in extra_classes:
        create_class(getattr(world, school), grade=grade, name=name, student_count=students)
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 1, 0, 30))
    return campaign("anti_drowning")


def _paper(api, drowning, school_class, count, user="principal_a"):  # noqa: F811
    return api.put(f"/api/v1/campaigns/{drowning.id}/classes/{school_class.id}/paper-receipts", user, MOMENT,
                   json={"count": count})


def _letters(api, drowning, school, user):  # noqa: F811
    response = api.get(f"/api/v1/campaigns/{drowning.id}/letters?school_id={school.id}", user, MOMENT)
    assert response.status_code == 200, response.json
    return response.json["items"]


@pytest.mark.parametrize(("count", "status"), [(0, 200), (1, 200), (39, 200), (40, 200), (41, 422)])
def test_paper_slips_go_up_to_the_class_size_and_not_one_more(api, world, season, count, status):  # noqa: F811
    drowning = _open(world)
    answer = _paper(api, drowning, season.classes_a[0], count)  # 40 pupils
    assert answer.status_code == status, answer.json
    listed = {row["class_id"]: row["paper_receipts"] for row in _letters(api, drowning, world.school_a, "principal_a")}
    assert listed[season.classes_a[0].id] == (count if status == 200 else 0)
    assert listed[season.classes_a[1].id] == 0  # the other class is untouched


def test_the_last_count_entered_replaces_the_one_before(api, world, season):  # noqa: F811
    drowning = _open(world)
    assert _paper(api, drowning, season.classes_a[0], 30).json["paper_receipts"] == 30
    again = _paper(api, drowning, season.classes_a[0], 12).json
    assert (again["paper_receipts"], again["received"], again["rate"]) == (12, 12, 30.0)


@pytest.mark.parametrize(("online", "paper", "received", "rate"),
                         [(2, 37, 39, 97.5), (2, 38, 40, 100.0), (2, 39, 40, 100.0), (0, 40, 40, 100.0)])
def test_received_is_online_plus_paper_up_to_the_class(api, world, season, online, paper, received, rate):  # noqa: F811
    drowning = _open(world)
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == drowning.id,
                                                         ClassLetter.class_id == season.classes_a[0].id))
    for n in range(online):
        assert api.post(f"/api/v1/public/receipts/{letter.token}", None, MOMENT,
                        json={"child": f"学生{n}"}).status_code == 200
    row = _paper(api, drowning, season.classes_a[0], paper).json
    assert (row["online_receipts"], row["paper_receipts"], row["received"], row["rate"]) == (
        online, paper, received, rate)


def test_a_class_without_pupils_recorded_has_no_rate(api, world, season):  # noqa: F811
    drowning = _open(world, [("school_a", 4, "1班", 0)])
    rows = {row["class_name"]: row for row in _letters(api, drowning, world.school_a, "principal_a")}
    assert (rows["4年级1班"]["students"], rows["4年级1班"]["received"], rows["4年级1班"]["rate"]) == (0, 0, None)
    assert rows["3年级1班"]["rate"] == 0.0


def test_letters_are_listed_by_grade_then_class(api, world, season):  # noqa: F811
    drowning = _open(world, [("school_a", 5, "0班", 40), ("school_a", 1, "9班", 40), ("school_a", 3, "0班", 40),
                             ("school_b", 3, "大班1班", 30), ("school_b", 2, "中班1班", 30)])
    names = [row["class_name"] for row in _letters(api, drowning, world.school_a, "principal_a")]
    assert names == ["1年级9班", "3年级0班", "3年级1班", "3年级2班", "5年级0班"]
    # A kindergarten's classes go by their own names (小班, 中班, 大班), without a grade in front.
    assert [row["class_name"] for row in _letters(api, drowning, world.school_b, "principal_b")] == [
        "小班1班", "中班1班", "大班1班"]


def test_a_closed_season_takes_no_paper_slips(api, world, season):  # noqa: F811
    drowning = _open(world)
    assert _paper(api, drowning, season.classes_a[0], 5).status_code == 200
    run("campaign_calendar", drowning.closes_at)
    refused = api.put(f"/api/v1/campaigns/{drowning.id}/classes/{season.classes_a[0].id}/paper-receipts",
                      "principal_a", drowning.closes_at, json={"count": 9})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "campaign_closed"
    rows = {row["class_id"]: row for row in api.get(f"/api/v1/campaigns/{drowning.id}/letters?school_id="
                                                    f"{world.school_a.id}", "principal_a",
                                                    drowning.closes_at).json["items"]}
    assert rows[season.classes_a[0].id]["paper_receipts"] == 5


def test_a_parents_answer_is_kept_without_the_spaces_around_it(api, world, season):  # noqa: F811
    drowning = _open(world)
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == drowning.id,
                                                         ClassLetter.class_id == season.classes_a[0].id))
    assert api.post(f"/api/v1/public/receipts/{letter.token}", None, MOMENT,
                    json={"child": "  王小红 ", "signer": " 王芳  "}).status_code == 200
    seen = api.get(f"/api/v1/campaigns/{drowning.id}/classes/{season.classes_a[0].id}/receipts", "principal_a",
                   MOMENT).json["items"]
    assert [(r["child"], r["signer"]) for r in seen] == [("王小红", "王芳")]


def _pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _font():
    try:
        find_cjk_font()
    except FontMissing:
        require_tool("a CJK font", False, "receipt labels are printed in Chinese")


@pytest.mark.parametrize(("pupils", "pages"), [(9, 1), (10, 2)])
def test_a_class_without_pupils_recorded_still_gets_one_sticker(api, world, season, pupils, pages):  # noqa: F811
    """Ten stickers a sheet: nine pupils and an empty class fill one sheet, ten and an empty class need two."""
    _font()
    season.class_b.student_count = pupils
    drowning = _open(world, [("school_b", 1, "小班2班", 0)])
    pdf = api.get(f"/api/v1/campaigns/{drowning.id}/letters.pdf?school_id={world.school_b.id}", "principal_b",
                  MOMENT)
    assert pdf.status_code == 200
    assert _pages(pdf.data) == pages


def _codes(pdf: bytes) -> list[str]:
    """What a phone reads from every sticker of every sheet (the sheets are images: pdfimages takes them out)."""
    require_tool("pdfimages", which("pdfimages"), "sheets are read back with poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "codes.pdf").write_bytes(pdf)
        subprocess.run(["pdfimages", "-png", "codes.pdf", "sheet"], cwd=folder, check=True)
        return [code.text for sheet in sorted(Path(folder).glob("sheet-*.png"))
                for code in zxingcpp.read_barcodes(Image.open(sheet).convert("L"))]


@pytest.mark.parametrize(("each", "pages", "stickers"), [("1", 3, 30), ("0", 1, 1)])
def test_a_class_prints_a_sticker_per_pupil_or_one(client, world, season, each, pages, stickers):  # noqa: F811
    _font()
    drowning = _open(world)
    with frozen(MOMENT):
        page_login(client, world.principal_b.username, PASSWORD)
        pdf = client.get(f"/classes/{season.class_b.id}/campaigns/{drowning.id}/letter.pdf?each={each}")
    assert pdf.status_code == 200
    assert _pages(pdf.data) == pages  # 30 pupils: three sheets of ten, or one sticker
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.class_id == season.class_b.id))
    assert _codes(pdf.data) == [f"https://safety.example.cn/r/{letter.token}"] * stickers


def test_a_class_added_mid_season_gets_its_letter_and_the_others_keep_theirs(api, world, season):  # noqa: F811
    drowning = _open(world)
    before = {row["class_id"]: row["url"] for row in _letters(api, drowning, world.school_a, "principal_a")}
    added = create_class(world.school_a, grade=4, name="3班")
    db.session.commit()
    run("campaign_calendar", at(2027, 4, 3, 8))
    after = {row["class_id"]: row["url"] for row in _letters(api, drowning, world.school_a, "principal_a")}
    assert set(after) == {*before, added.id}
    assert {class_id: after[class_id] for class_id in before} == before  # the printed codes stay valid
    assert after[added.id] not in before.values()


@pytest.mark.parametrize(("paper", "rate"), [(1, 3.3), (2, 6.7), (29, 96.7), (30, 100.0)])
def test_the_rate_is_a_percentage_to_one_decimal(api, world, season, paper, rate):  # noqa: F811
    drowning = _open(world)
    row = _paper(api, drowning, season.class_b, paper, user="principal_b").json  # 30 pupils
    assert row["rate"] == rate


def test_each_paper_count_is_audited_with_the_count_it_replaced(api, world, season):  # noqa: F811
    drowning = _open(world)
    _paper(api, drowning, season.classes_a[0], 30)
    _paper(api, drowning, season.classes_a[0], 12)
    letter_id = next(row["id"] for row in _letters(api, drowning, world.school_a, "principal_a")
                     if row["class_id"] == season.classes_a[0].id)
    events = api.get("/api/v1/audit?action=campaign.paper_receipts", "admin", MOMENT).json["items"]
    assert sorted((e["object_id"], e["actor_id"], e["school_id"], e["details"]["before"], e["details"]["after"])
                  for e in events) == [(str(letter_id), world.principal_a.id, world.school_a.id, 0, 30),
                                       (str(letter_id), world.principal_a.id, world.school_a.id, 30, 12)]


def test_receipts_loaded_in_bulk_count_and_match_a_parent_typing_the_same_child(api, world, season):  # noqa: F811
    """The demo's past weeks go in through load_receipts: they count, and a parent typing the same child in
    another form (case, width, spaces) adds nothing."""
    drowning = _open(world)
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == drowning.id,
                                                         ClassLetter.class_id == season.classes_a[0].id))
    assert receipts.load_receipts([]) == 0
    assert receipts.load_receipts([{"letter_id": letter.id, "child": "Li Ming", "signer": "李强",
                                    "received_at": at(2027, 4, 2, 9)}]) == 1
    db.session.commit()
    assert api.post(f"/api/v1/public/receipts/{letter.token}", None, MOMENT,
                    json={"child": "ＬＩＭＩＮＧ"}).status_code == 200
    row = next(r for r in _letters(api, drowning, world.school_a, "principal_a") if r["id"] == letter.id)
    assert (row["online_receipts"], row["received"]) == (1, 1)
    seen = api.get(f"/api/v1/campaigns/{drowning.id}/classes/{season.classes_a[0].id}/receipts", "principal_a",
                   MOMENT).json["items"]
    assert [(r["child"], r["signer"]) for r in seen] == [("Li Ming", "李强")]  # the loaded one, not the typed one


def test_a_classs_receipts_read_in_the_order_parents_answered(api, world, season):  # noqa: F811
    """Loaded weeks arrive in any order (and parents answering online come after them): the list is by answer time."""
    drowning = _open(world)
    school_class = season.classes_a[0]
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == drowning.id,
                                                         ClassLetter.class_id == school_class.id))
    receipts.load_receipts([{"letter_id": letter.id, "child": child, "signer": "家长", "received_at": moment}
                            for child, moment in (("王芳", at(2027, 4, 5, 9)), ("李明", at(2027, 4, 2, 9)),
                                                  ("赵磊", at(2027, 4, 3, 9)))])
    db.session.commit()
    assert api.post(f"/api/v1/public/receipts/{letter.token}", None, MOMENT, json={"child": "陈静"}).status_code == 200
    seen = api.get(f"/api/v1/campaigns/{drowning.id}/classes/{school_class.id}/receipts", "principal_a",
                   MOMENT).json["items"]
    assert [r["child"] for r in seen] == ["李明", "赵磊", "王芳", "陈静"]
