"""`safety import` and `safety export`: the operator's bulk tools."""
import openpyxl
from sqlalchemy import func, select

from safety.extensions import db
from safety.points.models import Point
from safety.schools.models import School, SchoolClass
from tests.factories import create_class
from tests.imports.test_import_api import CLASSES_HEADER, GOOD_POINTS, POINTS_HEADER, csv_bytes


def point_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Point))


def test_import_prints_a_summary_and_again_changes_nothing(runner, world, tmp_path):
    file = tmp_path / "点位.csv"
    file.write_bytes(csv_bytes(GOOD_POINTS, "gbk"))
    result = runner.invoke(args=["import", "points", str(file)])
    assert result.exit_code == 0, result.output
    assert "created 3, updated 0, unchanged 0" in result.output
    assert point_count() == 3
    again = runner.invoke(args=["import", "points", str(file)])
    assert again.exit_code == 0 and "created 0, updated 0, unchanged 3" in again.output


def test_dry_run_writes_nothing(runner, world, tmp_path):
    file = tmp_path / "points.xlsx"
    workbook = openpyxl.Workbook()
    for row in GOOD_POINTS:
        workbook.active.append(row)
    workbook.save(file)
    result = runner.invoke(args=["import", "points", str(file), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "created 3" in result.output and "dry run" in result.output
    db.session.rollback()
    assert point_count() == 0


def test_every_problem_is_printed_and_the_exit_code_says_so(runner, world, tmp_path):
    file = tmp_path / "points.csv"
    file.write_bytes(csv_bytes([POINTS_HEADER, ["SA", "A-1", "一楼", "消防器材", "", "", "", ""],
                                ["SA", "A-2", "二楼", "volcano", "", "", "", ""],
                                ["SA", "A-3", "三楼", "消防器材", "", "", "", "hourly"]]))
    result = runner.invoke(args=["import", "points", str(file)])
    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert any(line.startswith("row 3, 类别: ") and "volcano" in line for line in lines)
    assert any(line.startswith("row 4, 巡查频次: ") and "hourly" in line for line in lines)
    assert "2 problem(s)" in result.output and "nothing was imported" in result.output
    assert point_count() == 0


def test_an_unreadable_file_is_a_plain_error(runner, world, tmp_path):
    file = tmp_path / "points.csv"
    file.write_bytes(b"\x80\xff\x00binary")
    result = runner.invoke(args=["import", "points", str(file)])
    assert result.exit_code != 0 and "Error" in result.output and "Traceback" not in result.output


def test_large_files_report_progress(runner, world, tmp_path):
    rows = [CLASSES_HEADER] + [["SA", 1 + i % 12, f"{i}班", 40] for i in range(2100)]
    file = tmp_path / "classes.csv"
    file.write_bytes(csv_bytes(rows))
    result = runner.invoke(args=["import", "classes", str(file), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "validated 1,000 of 2,100 rows…" in result.output and "validated 2,000 of 2,100 rows…" in result.output
    assert "created 2,100" in result.output


def test_the_operator_may_move_a_school_to_another_district(runner, world, tmp_path):
    file = tmp_path / "schools.csv"
    rows = [["学校代码", "学校名称", "区县代码", "学校类型"], ["SB", "乙区幼儿园", "DB", "幼儿园"]]
    file.write_bytes(csv_bytes(rows))
    result = runner.invoke(args=["import", "schools", str(file)])
    assert result.exit_code == 0, result.output
    assert "updated 1" in result.output
    db.session.expire_all()
    school = db.session.scalar(select(School).where(School.code == "SB"))
    assert (school.region.code, school.name_zh) == ("DB", "乙区幼儿园")


def test_export_then_import_round_trips(runner, world, tmp_path):
    create_class(world.school_a, grade=1, name="1班", student_count=40)
    create_class(world.school_c, grade=7, name="7(1)班", student_count=45)
    db.session.commit()
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"classes{suffix}"
        result = runner.invoke(args=["export", "classes", "--out", str(out)])
        assert result.exit_code == 0 and "exported 2 classes" in result.output, result.output
        again = runner.invoke(args=["import", "classes", str(out)])
        assert again.exit_code == 0 and "created 0, updated 0, unchanged 2" in again.output, again.output


def test_export_filters_by_school_or_region_code(runner, world, tmp_path):
    create_class(world.school_a, grade=1, name="1班")
    create_class(world.school_b, grade=1, name="1班")
    create_class(world.school_c, grade=1, name="1班")
    db.session.commit()
    out = tmp_path / "classes.xlsx"
    assert runner.invoke(args=["export", "classes", "--out", str(out), "--region", "DA"]).exit_code == 0
    codes = [c.value for c in openpyxl.load_workbook(out).worksheets[0]["A"]]
    assert codes == ["学校代码", "SA", "SB"]
    assert runner.invoke(args=["export", "classes", "--out", str(out), "--school", "SC"]).exit_code == 0
    assert [c.value for c in openpyxl.load_workbook(out).worksheets[0]["A"]] == ["学校代码", "SC"]
    unknown = runner.invoke(args=["export", "classes", "--out", str(out), "--school", "NOPE"])
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    wrong_suffix = runner.invoke(args=["export", "classes", "--out", str(tmp_path / "classes.pdf")])
    assert wrong_suffix.exit_code != 0 and ".csv or .xlsx" in wrong_suffix.output
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 3
