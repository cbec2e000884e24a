"""Bulk import and export over HTTP, with the files a district office really sends (Excel's GBK CSV, XLSX)."""
import csv
import io
import random

import openpyxl
import pytest
from sqlalchemy import func, select

from safety.audit.models import AuditEvent
from safety.extensions import db
from safety.points.models import Point
from safety.schools.models import School, SchoolClass
from tests.factories import create_class, create_point, create_template

POINTS_HEADER = ["学校代码", "点位代码", "点位名称", "类别", "位置", "纬度", "经度", "巡查频次"]
GOOD_POINTS = [
    POINTS_HEADER,
    ["SA", "A-1F-EXT-01", "一楼走廊灭火器", "消防器材", "教学楼A一楼", "30.2741", "120.1551", "每周"],
    ["SA", "A-KITCHEN", "食堂后厨", "canteen", "", "", "", "daily"],
    ["SB", "B-GATE", "南门门卫室", "门卫安保", "南门", "", "", "每天"],
]
CLASSES_HEADER = ["学校代码", "年级", "班级名称", "学生人数"]


# --- building files as Excel, WPS and scripts write them ----------------------------------------------------

def csv_bytes(rows, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, headers, kind, data, name="import.csv", query=""):
    return client.post(f"/api/v1/imports/{kind}{query}", data={"file": (io.BytesIO(data), name)}, headers=headers,
                       content_type="multipart/form-data")


def counts(response):
    return {k: response.json[k] for k in ("created", "updated", "unchanged")}


def points_of(client, world, school, who="office_a"):
    body = client.get(f"/api/v1/schools/{school.id}/points", headers=world.headers(who)).json
    return {p["code"]: p for p in body["items"]}


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


# --- a good file, again, and a dry run -----------------------------------------------------------------------

def test_a_good_file_imports_and_the_rows_show_in_the_lists(client, world):
    response = upload(client, world.headers("office_a"), "points", csv_bytes(GOOD_POINTS, "utf-8-sig"))
    assert response.status_code == 200, response.json
    assert response.json == {"kind": "points", "dry_run": False, "created": 3, "updated": 0, "unchanged": 0,
                             "problems": []}
    at_a = points_of(client, world, world.school_a)
    assert set(at_a) == {"A-1F-EXT-01", "A-KITCHEN"}
    assert at_a["A-1F-EXT-01"]["category"] == "fire_equipment" and at_a["A-1F-EXT-01"]["frequency"] == "weekly"
    assert at_a["A-1F-EXT-01"]["latitude"] == pytest.approx(30.2741)
    assert at_a["A-KITCHEN"]["frequency"] == "daily" and at_a["A-KITCHEN"]["latitude"] is None
    assert points_of(client, world, world.school_b)["B-GATE"]["category"] == "gate_security"
    created = client.get("/api/v1/audit?action=point.created", headers=world.headers("admin")).json
    assert created["total"] == 3 and {e["actor"] for e in created["items"]} == {"office_a"}


def test_importing_the_same_file_again_changes_nothing(client, world):
    data = csv_bytes(GOOD_POINTS)
    assert upload(client, world.headers("office_a"), "points", data).status_code == 200
    events = audit_count()
    again = upload(client, world.headers("office_a"), "points", data)
    assert again.status_code == 200 and counts(again) == {"created": 0, "updated": 0, "unchanged": 3}
    assert audit_count() == events  # no audit noise for rows that did not change


def test_a_changed_row_is_updated_and_only_that_row(client, world):
    upload(client, world.headers("office_a"), "points", csv_bytes(GOOD_POINTS))
    changed = [row[:] for row in GOOD_POINTS]
    changed[2][3], changed[2][7] = "食堂食品", "每月"
    response = upload(client, world.headers("office_a"), "points", csv_bytes(changed))
    assert counts(response) == {"created": 0, "updated": 1, "unchanged": 2}
    kitchen = points_of(client, world, world.school_a)["A-KITCHEN"]
    assert kitchen["category"] == "canteen" and kitchen["frequency"] == "monthly"
    updated = client.get("/api/v1/audit?action=point.updated", headers=world.headers("admin")).json
    assert updated["total"] == 1


def test_a_dry_run_counts_and_writes_nothing(client, world):
    response = upload(client, world.headers("office_a"), "points", csv_bytes(GOOD_POINTS), query="?dry_run=true")
    assert response.status_code == 200
    assert response.json["dry_run"] is True and counts(response) == {"created": 3, "updated": 0, "unchanged": 0}
    assert points_of(client, world, world.school_a) == {}
    assert db.session.scalar(select(func.count()).select_from(Point)) == 0


# --- the files Excel actually saves --------------------------------------------------------------------------

def test_a_gbk_csv_saved_by_excel_on_chinese_windows(client, world):
    rows = [CLASSES_HEADER, ["SA", "1", "一（1）班", "42"], ["SA", "1", "一（2）班", "40"], ["SB", "2", "大班", "30"]]
    data = csv_bytes(rows, "gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    response = upload(client, world.headers("office_a"), "classes", data)
    assert response.status_code == 200, response.json
    assert counts(response) == {"created": 3, "updated": 0, "unchanged": 0}
    classes = client.get(f"/api/v1/schools/{world.school_a.id}/classes", headers=world.headers("principal_a")).json
    assert [(c["grade"], c["name"], c["student_count"]) for c in classes["items"]] == [
        (1, "一（1）班", 42), (1, "一（2）班", 40)]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files(client, world, delimiter):
    response = upload(client, world.headers("office_a"), "points", csv_bytes(GOOD_POINTS, delimiter=delimiter))
    assert response.status_code == 200, response.json
    assert response.json["created"] == 3


def test_excel_unicode_text_utf16_tab_separated(client, world):
    text = "\r\n".join("\t".join(row) for row in GOOD_POINTS)
    response = upload(client, world.headers("office_a"), "points", text.encode("utf-16"), name="points.txt")
    assert response.status_code == 200, response.json
    assert response.json["created"] == 3


def test_xlsx_with_float_numbers_and_empty_rows(client, world):
    rows = [CLASSES_HEADER, ["SA", 3.0, "3班", 40.0], [None, None, None, None], ["SA", 4, "4班", 38]]
    response = upload(client, world.headers("principal_a"), "classes", xlsx_bytes(rows), name="classes.csv")
    assert response.status_code == 200, response.json
    assert counts(response) == {"created": 2, "updated": 0, "unchanged": 0}
    counts_by_name = dict(db.session.execute(select(SchoolClass.name, SchoolClass.student_count)).all())
    assert counts_by_name == {"3班": 40, "4班": 38}


def test_problem_rows_are_the_rows_excel_shows(client, world):
    rows = [CLASSES_HEADER, ["SA", 1, "1班", 40], [None] * 4, [None] * 4, ["SA", 99, "2班", 40]]
    response = upload(client, world.headers("principal_a"), "classes", xlsx_bytes(rows), name="c.xlsx")
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["row 5, 年级"]


# --- problems: every one reported, nothing written -----------------------------------------------------------

def test_three_bad_rows_are_all_reported_and_nothing_is_written(client, world):
    rows = [POINTS_HEADER,
            ["SA", "A-OK", "好的点位", "消防器材", "", "", "", "每周"],
            ["SA", "A-2", "二楼", "volcano", "", "", "", "每周"],
            ["SA", "A-3", "三楼", "消防器材", "", "north", "", "每周"],
            ["SZ", "Z-1", "不存在的学校", "消防器材", "", "", "", "每周"]]
    response = upload(client, world.headers("office_a"), "points", csv_bytes(rows))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "import_invalid" and "3" in error["message"]
    assert set(error["fields"]) == {"row 3, 类别", "row 4, 纬度", "row 5, 学校代码"}
    assert "volcano" in error["fields"]["row 3, 类别"][0]
    assert "north" in error["fields"]["row 4, 纬度"][0]
    assert "SZ" in error["fields"]["row 5, 学校代码"][0]
    assert db.session.scalar(select(func.count()).select_from(Point)) == 0


def test_problem_reasons_in_english(client, world):
    rows = [POINTS_HEADER, ["SA", "A-2", "二楼", "volcano", "", "", "", "hourly"]]
    response = upload(client, world.headers("office_a"), "points", csv_bytes(rows), query="?lang=en")
    fields = response.json["error"]["fields"]
    assert fields["row 2, 类别"][0].startswith("unknown category 'volcano' (use one of: fire_equipment,")
    assert fields["row 2, 巡查频次"][0].startswith("unknown frequency 'hourly'")


def test_a_dry_run_with_problems_reports_them_too(client, world):
    rows = [POINTS_HEADER, ["SA", "A-2", "", "消防器材", "", "", "", ""]]
    response = upload(client, world.headers("office_a"), "points", csv_bytes(rows), query="?dry_run=true")
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["row 2, 点位名称"]


def test_duplicate_codes_inside_the_file(client, world):
    rows = [POINTS_HEADER, ["SA", "A-1", "一楼", "消防器材", "", "", "", ""],
            ["SB", "A-1", "另一所学校可以同号", "消防器材", "", "", "", ""],
            ["SA", "A-1", "重复", "消防器材", "", "", "", ""]]
    response = upload(client, world.headers("office_a"), "points", csv_bytes(rows))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert list(fields) == ["row 4, 点位代码"] and "2" in fields["row 4, 点位代码"][0]


def test_unknown_and_missing_columns_are_named(client, world):
    rows = [["学校代码", "点位名称", "颜色", "备注"], ["SA", "一楼", "红", "x"]]
    response = upload(client, world.headers("office_a"), "points", csv_bytes(rows))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"row 1, 颜色", "row 1, 备注", "row 1, 点位代码", "row 1, 类别"}
    assert "类别" in fields["row 1, 颜色"][0]  # the reason lists the columns there are


def test_a_column_twice_or_values_without_a_header(client, world):
    rows = [["学校代码", "年级", "班级名称", "学生人数", "grade", "", "备注"], ["SA", 1, "1班", 40, 1, "x", None]]
    response = upload(client, world.headers("principal_a"), "classes", xlsx_bytes(rows))
    fields = response.json["error"]["fields"]
    assert set(fields) == {"row 1, grade", "row 1, F", "row 1, 备注"}
    assert "年级" in fields["row 1, grade"][0]


def test_a_file_of_only_bad_rows_lists_the_first_500_and_counts_them_all(client, world):
    rows = [CLASSES_HEADER] + [["SA", 99, f"{i}班", 40] for i in range(600)]
    response = upload(client, world.headers("principal_a"), "classes", csv_bytes(rows))
    assert response.status_code == 422
    assert len(response.json["error"]["fields"]) == 500 and "600" in response.json["error"]["message"]


def test_english_headers_import_and_missing_ones_are_named_in_english(client, world):
    rows = [["school_code", "point_code", "name_zh", "Category", "frequency"], ["SA", "A-1", "一楼", "canteen", "term"]]
    assert upload(client, world.headers("office_a"), "points", csv_bytes(rows)).json["created"] == 1
    response = upload(client, world.headers("office_a"), "points", csv_bytes([["school_code"], ["SA"]]),
                      query="?lang=en")
    assert set(response.json["error"]["fields"]) == {"row 1, point_code", "row 1, name_zh", "row 1, category"}


def test_merged_header_cells_are_refused_with_their_address(client, world):
    rows = [["学校代码", None, "年级", "班级名称", "学生人数"], ["SA", None, 1, "1班", 40]]
    response = upload(client, world.headers("principal_a"), "classes", xlsx_bytes(rows, merge="A1:B1"))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "import_invalid" and list(error["fields"]) == ["row 1, A1:B1"]
    assert "A1:B1" in error["fields"]["row 1, A1:B1"][0]


def test_merged_cells_in_the_rows_are_refused_too(client, world):
    rows = [CLASSES_HEADER, ["SA", 1, "1班", 40], [None, 1, "2班", 40]]
    response = upload(client, world.headers("principal_a"), "classes", xlsx_bytes(rows, merge="A2:A3"))
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["row 2, A2:A3"]


def test_merged_empty_cells_below_the_data_do_no_harm(client, world):
    rows = [CLASSES_HEADER, ["SA", 1, "1班", 40]]
    response = upload(client, world.headers("principal_a"), "classes", xlsx_bytes(rows, merge="A10:D12"))
    assert response.status_code == 200 and response.json["created"] == 1


NOISE = random.Random(2026).randbytes(4096)


@pytest.mark.parametrize("data", [
    b"\x80\xff" + NOISE,                             # random binary named .csv
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + NOISE[:512],  # an old .xls
    b"PK\x03\x04" + NOISE[:512],                     # a broken zip
    b"\x89PNG\r\n\x1a\n" + NOISE[:512],              # a picture
    "<html><table><tr><td>学校代码</td></tr></table></html>".encode(),  # a web page some systems call .xls
], ids=["binary", "xls", "broken-zip", "png", "html-as-xls"])
def test_files_that_are_neither_csv_nor_xlsx_are_415(client, world, data):
    response = upload(client, world.headers("office_a"), "points", data, name="points.csv")
    assert response.status_code == 415, response.json
    assert response.json["error"]["code"] == "unsupported_media"
    assert db.session.scalar(select(func.count()).select_from(Point)) == 0


def test_an_empty_file_and_a_missing_file(client, world):
    assert upload(client, world.headers("office_a"), "points", b"\r\n\r\n").status_code == 422
    response = client.post("/api/v1/imports/points", data={}, headers=world.headers("office_a"),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]
    response = client.post("/api/v1/imports/points", json={"file": "x"}, headers=world.headers("office_a"))
    assert response.status_code == 415 and response.json["error"]["code"] == "unsupported_media"


def test_size_and_row_limits(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    big = csv_bytes([POINTS_HEADER] + [["SA", f"P-{i}", "点位", "其他", "", "", "", ""] for i in range(100)])
    response = upload(client, world.headers("office_a"), "points", big)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 50)
    response = upload(client, world.headers("office_a"), "points", big)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_many_rows"
    assert "50" in response.json["error"]["message"]


def test_an_unknown_kind_is_404(client, world):
    assert upload(client, world.headers("admin"), "hazards", csv_bytes(GOOD_POINTS)).status_code == 404
    assert client.get("/api/v1/exports/users.csv", headers=world.headers("admin")).status_code == 404
    assert client.get("/api/v1/exports/points.pdf", headers=world.headers("admin")).status_code == 404


# --- scope ------------------------------------------------------------------------------------------------

def test_an_office_cannot_import_points_for_a_school_outside_its_district(client, world):
    rows = [POINTS_HEADER, ["SA", "A-1", "一楼", "消防器材", "", "", "", ""],
            ["SC", "C-1", "别区的学校", "消防器材", "", "", "", ""]]
    response = upload(client, world.headers("office_a"), "points", csv_bytes(rows))
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["row 3, 学校代码"]
    assert db.session.scalar(select(func.count()).select_from(Point)) == 0
    assert upload(client, world.headers("office_b"), "points", csv_bytes(rows[:1] + rows[2:])).json["created"] == 1


def test_a_principal_imports_for_their_own_school_only(client, world):
    rows = [CLASSES_HEADER, ["SA", 1, "1班", 40], ["SB", 1, "1班", 40]]
    response = upload(client, world.headers("principal_a"), "classes", csv_bytes(rows))
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["row 3, 学校代码"]
    assert upload(client, world.headers("principal_a"), "classes", csv_bytes(rows[:2])).json["created"] == 1


@pytest.mark.parametrize("who,kind", [("principal_a", "schools"), ("officer_a", "points"), ("officer_a", "classes"),
                                      ("district_inspector_a", "schools")])
def test_those_who_may_not_import_a_kind_get_403(client, world, who, kind):
    assert upload(client, world.headers(who), kind, csv_bytes(GOOD_POINTS)).status_code == 403


def test_an_office_imports_schools_into_its_own_districts_only(client, world):
    header = ["学校代码", "学校名称", "区县代码", "学校类型", "寄宿", "校车", "在校学生数"]
    rows = [header, ["SA2", "甲区第二小学", "DA", "小学", "否", "是", "800"],
            ["SD", "乙区新学校", "DB", "初中", "否", "否", "300"],
            ["SC", "改别人的学校", "DA", "初中", "否", "否", "300"],
            ["SX", "挂在市上", "CITY", "高中", "Y", "N", "1"]]
    response = upload(client, world.headers("office_a"), "schools", csv_bytes(rows))
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"row 3, 区县代码", "row 4, 学校代码", "row 5, 区县代码"}
    response = upload(client, world.headers("office_a"), "schools", csv_bytes(rows[:2]))
    assert counts(response) == {"created": 1, "updated": 0, "unchanged": 0}
    school = db.session.scalar(select(School).where(School.code == "SA2"))
    assert (school.region.code, school.type, school.boarding, school.has_school_bus, school.enrolment) == (
        "DA", "primary", False, True, 800)
    assert school.name_en == "" and school.address == ""


def test_the_city_office_moves_a_school_between_its_districts(client, world):
    rows = [["学校代码", "学校名称", "区县代码", "学校类型"], ["SB", world.school_b.name_zh, "DB", "幼儿园"]]
    response = upload(client, world.headers("city_office"), "schools", csv_bytes(rows))
    assert counts(response) == {"created": 0, "updated": 1, "unchanged": 0}
    assert client.get(f"/api/v1/schools/{world.school_b.id}", headers=world.headers("admin")).json["region_id"] == \
        world.district_b.id
    assert upload(client, world.headers("city_office"), "schools", csv_bytes(rows)).json["unchanged"] == 1


# --- export, and the round trip -------------------------------------------------------------------------------

@pytest.fixture
def kept(world):
    """What a district keeps: classes and points at SA, SB (district A) and SC (district B)."""
    extinguishers, gates = create_template("fire_equipment"), create_template("gate_security")
    for school in (world.school_a, world.school_b, world.school_c):
        create_class(school, grade=1, name="1班", student_count=41)
        create_class(school, grade=2, name="2班", student_count=0)
        create_point(school, extinguishers, code=f"{school.code}-EXT", latitude=30.123456789, longitude=-120.5,
                     location="=HYPERLINK(\"http://x\")")
        create_point(school, gates, code=f"{school.code}-GATE", category="gate_security", frequency="term")
    db.session.commit()
    return world


def exported(client, world, url, who="office_a"):
    response = client.get(url, headers=world.headers(who))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


@pytest.mark.parametrize("kind", ["schools", "classes", "points"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_then_import_changes_nothing(client, kept, kind, fmt, lang):
    world = kept
    response = exported(client, world, f"/api/v1/exports/{kind}.{fmt}?lang={lang}")
    assert response.headers["Content-Disposition"].startswith(f"attachment; filename={kind}-")
    assert response.headers["Content-Disposition"].endswith(f".{fmt}")
    events = audit_count()
    again = upload(client, world.headers("office_a"), kind, response.data, name=f"export.{fmt}")
    assert again.status_code == 200, again.json
    expected = {"schools": 2, "classes": 4, "points": 4}[kind]
    assert counts(again) == {"created": 0, "updated": 0, "unchanged": expected}
    assert audit_count() == events


def test_csv_export_opens_in_excel_and_is_scoped(client, kept):
    data = exported(client, kept, "/api/v1/exports/points.csv").data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [*POINTS_HEADER[:3], "英文名称", "类别", "位置", "纬度", "经度", "巡查频次"]
    assert sorted(r[1] for r in rows[1:]) == ["SA-EXT", "SA-GATE", "SB-EXT", "SB-GATE"]  # no SC rows
    ext = next(r for r in rows if r[1] == "SA-EXT")
    assert ext[4] == "消防器材" and ext[8] == "每周" and ext[6] == "30.123456789"
    assert ext[5].startswith("'=")  # a formula in the data stays text in a spreadsheet
    principal = exported(client, kept, "/api/v1/exports/classes.csv", who="principal_a").data.decode("utf-8-sig")
    assert {r[0] for r in list(csv.reader(io.StringIO(principal)))[1:]} == {"SA"}


def test_xlsx_export_has_a_bold_header_and_sensible_widths(client, kept):
    data = exported(client, kept, "/api/v1/exports/schools.xlsx?lang=en").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["school_code", "name_zh", "name_en", "district_code", "type", "boarding",
                                           "has_school_bus", "address", "enrolment"]
    assert all(c.font.bold for c in sheet[1])
    assert [c.value for c in sheet["A"]][1:] == ["SA", "SB"]
    assert sheet["E2"].value == "primary" and sheet["F2"].value == "N"
    assert 8 <= sheet.column_dimensions["B"].width <= 60
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width  # the long English names


def test_export_filters_stay_in_scope(client, kept):
    world = kept
    only_b = exported(client, world, f"/api/v1/exports/classes.csv?school_id={world.school_b.id}").data
    assert {r[0] for r in list(csv.reader(io.StringIO(only_b.decode("utf-8-sig"))))[1:]} == {"SB"}
    headers = world.headers("office_a")
    assert client.get(f"/api/v1/exports/classes.csv?school_id={world.school_c.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/exports/points.csv?region_id={world.district_b.id}", headers=headers).status_code == 404
    city = exported(client, world, f"/api/v1/exports/points.xlsx?region_id={world.city.id}", who="city_office").data
    codes = [c.value for c in openpyxl.load_workbook(io.BytesIO(city)).worksheets[0]["A"]][1:]
    assert sorted(set(codes)) == ["SA", "SB", "SC"]
