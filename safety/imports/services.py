"""Bulk import and export of schools, classes and points.

An import validates every row before it writes anything and reports every problem at once (row as Excel
shows it, column as the file names it, reason). Only a clean file is written, upserting by code through the
domain services so their rules and audit rows apply; rows that would not change are not touched, so the same
file imported twice changes nothing the second time. Existing rows are loaded in bulk, one query per kind.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from flask import current_app
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.scope import Capability, holds, region_ids, require_school, school_ids
from ..core.clock import now
from ..core.spreadsheets import printable
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..points.models import Point
from ..points.services import create_point, update_point
from ..schools.models import Region, RegionLevel, School, SchoolClass
from ..schools.services import add_class, create_school, get_region, school_ids_in_region, update_class, update_school
from .reader import MAX_BYTES, MAX_ROWS, Table, problem_key, read_table
from .specs import FORMULA_START, SPECS, CellError, Column, Spec, is_chinese

PROGRESS_EVERY = 1000
# Through the API an office imports schools into districts it oversees; classes and points go to schools the
# actor manages (an office's schools, a principal's own). The operator's CLI (actor None) may do anything.
IMPORT_CAPABILITY = {"schools": Capability.oversee, "classes": Capability.manage, "points": Capability.manage}

Progress = Callable[[str, int, int], None]  # (stage: "validated" | "written", done, total)


@dataclass
class Problem:
    row: int     # as Excel shows it; the header is row 1 in a file that starts with it
    column: str  # the header as written in the file (or, for a missing column, as we name it)
    reason: str

    def __str__(self) -> str:
        return f"{problem_key(self.row, self.column)}: {self.reason}"


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    def fields(self, limit: int | None = None) -> dict[str, list[str]]:
        """The (first `limit`) problems as the error shape's `fields`: {"row 3, 类别": ["unknown category …"]}."""
        fields: dict[str, list[str]] = {}
        for problem in self.problems[:limit]:
            fields.setdefault(problem_key(problem.row, problem.column), []).append(problem.reason)
        return fields


def get_spec(kind: str) -> Spec:
    if kind not in SPECS:
        raise NotFound()
    return SPECS[kind]


def require_import_right(actor: User | None, kind: str) -> Spec:
    """403 for an actor who could import no row of this kind anywhere (a principal importing schools)."""
    spec = get_spec(kind)
    if actor is not None and not holds(actor, IMPORT_CAPABILITY[kind]):
        raise Forbidden()
    return spec


def import_file(actor: User | None, kind: str, data: bytes, *, dry_run: bool,
                progress: Progress | None = None) -> ImportReport:
    """Check the actor may import this kind, read the file (413/415/422 when unreadable), then `import_rows`."""
    require_import_right(actor, kind)
    config = current_app.config
    table = read_table(data, max_bytes=config.get("IMPORT_MAX_BYTES", MAX_BYTES),
                       max_rows=config.get("IMPORT_MAX_ROWS", MAX_ROWS))
    return import_rows(actor, kind, table, dry_run=dry_run, progress=progress)


def import_rows(actor: User | None, kind: str, table: Table, *, dry_run: bool,
                progress: Progress | None = None) -> ImportReport:
    """Validate every row; with no problem (and not `dry_run`) upsert them. Flushes, never commits.

    The report counts what was (or, in a dry run, would be) created, updated and left unchanged; with any
    problem nothing is written and the report lists them all.
    """
    spec = require_import_right(actor, kind)
    run = _Run(actor, spec, table, ImportReport(kind, dry_run))
    run.map_header()
    if not run.report.problems:
        records = run.parse_rows(progress)
        run.refuse_duplicates(records)
        actions = _PLANNERS[kind](run, records)
        if not run.report.problems and not dry_run:
            for done, action in enumerate(actions, start=1):
                action()
                if progress and done % PROGRESS_EVERY == 0:
                    progress("written", done, len(actions))
    run.report.problems.sort(key=lambda p: p.row)  # stable: within a row, the order they were found in
    if run.report.problems:
        run.report.created = run.report.updated = run.report.unchanged = 0
    return run.report


@dataclass
class _Record:
    row: int
    values: dict[str, object]  # field → value, for the file's columns whose cell parsed
    ok: bool = True


class _Run:
    """One import: the file's column layout and the problems found so far."""

    def __init__(self, actor: User | None, spec: Spec, table: Table, report: ImportReport):
        self.actor, self.spec, self.table, self.report = actor, spec, table, report
        self.layout: dict[int, Column] = {}
        self.headers: dict[str, str] = {}  # field → header as written

    def problem(self, record: _Record, field_name: str, reason: str) -> None:
        record.ok = False
        self.report.problems.append(Problem(record.row, self.headers[field_name], reason))

    def header_problem(self, column: str, reason: str) -> None:
        self.report.problems.append(Problem(self.table.header_row, column, reason))

    def map_header(self) -> None:
        table, chinese = self.table, is_chinese()
        width = max([len(table.headers), *(len(r.cells) for r in table.rows)])
        for index in range(width):
            header = table.headers[index] if index < len(table.headers) else ""
            if not header:
                if any(index < len(r.cells) and r.cells[index] is not None for r in table.rows):
                    self.header_problem(get_column_letter(index + 1), _("this column has values but no header"))
                continue
            column = self.spec.column(header)
            if column is None:
                self.header_problem(header, _("unknown column; the columns are: %(columns)s",
                                              columns=", ".join(c.header(chinese) for c in self.spec.columns)))
            elif column.field in self.headers:
                self.header_problem(header, _("the same column as %(other)s", other=self.headers[column.field]))
            else:
                self.layout[index] = column
                self.headers[column.field] = header
        for column in self.spec.columns:
            if column.required and column.field not in self.headers:
                self.header_problem(column.header(chinese), _("required column missing"))

    def parse_rows(self, progress: Progress | None) -> list[_Record]:
        records, total = [], len(self.table.rows)
        for done, row in enumerate(self.table.rows, start=1):
            record = _Record(row.number, {})
            for index, column in self.layout.items():
                cell = row.cells[index] if index < len(row.cells) else None
                if cell is None:
                    if column.required:
                        self.problem(record, column.field, _("a value is required"))
                    else:
                        record.values[column.field] = column.default
                    continue
                try:
                    record.values[column.field] = column.parse(cell)
                except CellError as error:
                    self.problem(record, column.field, str(error))
            records.append(record)
            if progress and done % PROGRESS_EVERY == 0:
                progress("validated", done, total)
        return records

    def refuse_duplicates(self, records: list[_Record]) -> None:
        first: dict[tuple, int] = {}
        for record in records:
            if all(f in record.values for f in self.spec.key):
                key = tuple(record.values[f] for f in self.spec.key)
                if key in first:
                    self.problem(record, self.spec.key[-1], _("duplicate of row %(row)s", row=first[key]))
                else:
                    first[key] = record.row

    def full_values(self, record: _Record, *skip: str) -> dict:
        """Every field for a new row: the file's values, defaults for the optional columns it lacks."""
        return {c.field: record.values.get(c.field, c.default) for c in self.spec.columns if c.field not in skip}

    @staticmethod
    def changes(obj, record: _Record, *skip: str) -> dict:
        """The file's values that differ from the row's (columns absent from the file are left alone)."""
        return {f: v for f, v in record.values.items() if f not in skip and getattr(obj, f) != v}


# --- planning: check references and scope, decide create / update / unchanged ---------------------------

def _count(run: _Run, actions: list, action: Callable | None, created: bool = False) -> None:
    if action is None:
        run.report.unchanged += 1
    else:
        actions.append(action)
        if created:
            run.report.created += 1
        else:
            run.report.updated += 1


def _plan_schools(run: _Run, records: list[_Record]) -> list[Callable]:
    actor = run.actor
    codes = {r.values["code"] for r in records if "code" in r.values}
    existing = {s.code: s for s in db.session.scalars(select(School).where(School.code.in_(codes)))}
    district_codes = {r.values["district"] for r in records if "district" in r.values}
    regions = {r.code: r for r in db.session.scalars(select(Region).where(Region.code.in_(district_codes)))}
    overseen_regions = overseen_schools = None
    if actor is not None:
        overseen_regions = set(db.session.scalars(region_ids(actor, Capability.oversee).where(
            Region.id.in_([r.id for r in regions.values()]))))
        overseen_schools = set(db.session.scalars(school_ids(actor, Capability.oversee).where(
            School.id.in_([s.id for s in existing.values()]))))
    actions: list[Callable] = []
    for record in records:
        region = None
        if (code := record.values.get("district")) is not None:
            region = regions.get(code)
            if region is not None and overseen_regions is not None and region.id not in overseen_regions:
                region = None
            if region is None:
                run.problem(record, "district", _("no district with code %(code)s among those you oversee", code=code)
                            if actor else _("no district with code %(code)s", code=code))
            elif region.level != RegionLevel.district:
                run.problem(record, "district", _("%(code)s is not a district; a school belongs to a district",
                                                  code=code))
        school = existing.get(record.values.get("code"))
        if school is not None and overseen_schools is not None and school.id not in overseen_schools:
            run.problem(record, "code", _("school code %(code)s is taken by a school outside your districts",
                                          code=school.code))
        if not record.ok:
            continue
        if school is None:
            fields = run.full_values(record, "code", "district")
            _count(run, actions, partial(create_school, actor, region=region, code=record.values["code"], **fields),
                   created=True)
            continue
        changes = run.changes(school, record, "code", "district")
        if region.id != school.region_id:
            changes["region_id"] = region.id
        _count(run, actions, partial(update_school, actor, school, changes) if changes else None)
    return actions


def _schools_to_manage(run: _Run, records: list[_Record]) -> dict[str, School]:
    """The schools the rows name that the actor may manage, by code; every other code is a problem."""
    codes = {r.values["school_code"] for r in records if "school_code" in r.values}
    query = select(School).where(School.code.in_(codes))
    if run.actor is not None:
        query = query.where(School.id.in_(school_ids(run.actor, Capability.manage)))
    schools = {s.code: s for s in db.session.scalars(query)}
    for record in records:
        code = record.values.get("school_code")
        if code is not None and code not in schools:
            # The same words whether the school does not exist or is someone else's: no existence leak.
            run.problem(record, "school_code",
                        _("no school with code %(code)s among the schools you manage", code=code)
                        if run.actor else _("no school with code %(code)s", code=code))
    return schools


def _plan_classes(run: _Run, records: list[_Record]) -> list[Callable]:
    schools = _schools_to_manage(run, records)
    existing = {(c.school_id, c.grade, c.name): c for c in db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id.in_([s.id for s in schools.values()])))}
    actions: list[Callable] = []
    for record in filter(lambda r: r.ok, records):
        school, values = schools[record.values["school_code"]], record.values
        school_class = existing.get((school.id, values["grade"], values["name"]))
        if school_class is None:
            _count(run, actions, partial(add_class, run.actor, school, grade=values["grade"], name=values["name"],
                                         student_count=values["student_count"]), created=True)
            continue
        changes = run.changes(school_class, record, "school_code")
        _count(run, actions, partial(update_class, run.actor, school_class, changes) if changes else None)
    return actions


def _plan_points(run: _Run, records: list[_Record]) -> list[Callable]:
    schools = _schools_to_manage(run, records)
    existing = {(p.school_id, p.code): p for p in db.session.scalars(
        select(Point).where(Point.school_id.in_([s.id for s in schools.values()])))}
    actions: list[Callable] = []
    for record in filter(lambda r: r.ok, records):
        school = schools[record.values["school_code"]]
        point = existing.get((school.id, record.values["code"]))
        if point is None:
            _count(run, actions, partial(create_point, run.actor, school, run.full_values(record, "school_code")),
                   created=True)
            continue
        changes = run.changes(point, record, "school_code", "code")
        _count(run, actions, partial(update_point, run.actor, point, changes) if changes else None)
    return actions


_PLANNERS = {"schools": _plan_schools, "classes": _plan_classes, "points": _plan_points}


# --- export ----------------------------------------------------------------------------------------------

def filters_by_code(school_code: str | None = None, region_code: str | None = None) -> dict:
    """The operator's CLI names schools and regions by code; exports filter by id."""
    filters = {}
    if school_code:
        school_id = db.session.scalar(select(School.id).where(School.code == school_code))
        if school_id is None:
            raise NotFound(_("No school with code %(code)s.", code=school_code))
        filters["school_id"] = school_id
    if region_code:
        region_id = db.session.scalar(select(Region.id).where(Region.code == region_code))
        if region_id is None:
            raise NotFound(_("No region with code %(code)s.", code=region_code))
        filters["region_id"] = region_id
    return filters


def _exported_school_ids(actor: User | None, filters: dict) -> Select:
    """Schools the export covers, scoped like the lists: another school or region is a 404."""
    query = school_ids(actor) if actor is not None else select(School.id)
    if school_id := filters.get("school_id"):
        if actor is not None:
            require_school(actor, school_id)
        elif db.session.get(School, school_id) is None:
            raise NotFound()
        query = query.where(School.id == school_id)
    if region_id := filters.get("region_id"):
        region = get_region(actor, region_id) if actor is not None else db.session.get(Region, region_id)
        if region is None:
            raise NotFound()
        query = query.where(School.id.in_(school_ids_in_region(region)))
    return query


def _school_values(ids: Select):
    query = select(School).options(joinedload(School.region)).where(School.id.in_(ids)).order_by(School.code)
    for school in db.session.scalars(query):
        yield {"district": school.region.code, **{f: getattr(school, f) for f in (
            "code", "name_zh", "name_en", "type", "boarding", "has_school_bus", "address", "enrolment")}}


def _class_values(ids: Select):
    query = select(SchoolClass, School.code).join(School, SchoolClass.school_id == School.id) \
        .where(School.id.in_(ids)).order_by(School.code, SchoolClass.grade, SchoolClass.name)
    for school_class, school_code in db.session.execute(query):
        yield {"school_code": school_code, "grade": school_class.grade, "name": school_class.name,
               "student_count": school_class.student_count}


def _point_values(ids: Select):
    query = select(Point, School.code).join(School, Point.school_id == School.id) \
        .where(School.id.in_(ids), Point.retired_at.is_(None)).order_by(School.code, Point.code)
    for point, school_code in db.session.execute(query):
        yield {"school_code": school_code, **{f: getattr(point, f) for f in (
            "code", "name_zh", "name_en", "category", "location", "latitude", "longitude", "frequency")}}


_EXPORTS = {"schools": _school_values, "classes": _class_values, "points": _point_values}


def export_rows(actor: User | None, kind: str, filters: dict) -> tuple[list[str], list[list]]:
    """Headers and rows of one kind, in the columns an import reads; Chinese headers and names unless the
    request's language is English. Retired points are left out (they no longer scan)."""
    spec = get_spec(kind)
    chinese = is_chinese()
    ids = _exported_school_ids(actor, filters)
    rows = [[None if values[c.field] is None else c.export(values[c.field], chinese) for c in spec.columns]
            for values in _EXPORTS[kind](ids)]
    return [c.header(chinese) for c in spec.columns], rows


def export_filename(kind: str, fmt: str) -> str:
    return f"{kind}-{to_user_timezone(now()):%Y%m%d}.{fmt}"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # a spreadsheet would run "=…" as a formula; the import strips the quote again
    return str(value)


def to_csv(headers: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(headers: list[str], rows: list[list], title: str = "Sheet1") -> bytes:
    """One sheet: a bold, frozen header row and columns wide enough for their contents."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, header in enumerate(headers, start=1):
        widest = max([_display_width(header), *(_display_width(row[index - 1]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_text_cell(sheet, v, WriteOnlyCell) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str, cell_class):
    cell = cell_class(sheet, value=printable(value))
    cell.data_type = "s"  # text stays text: openpyxl would store "=…" as a formula
    return cell
