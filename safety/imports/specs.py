"""The columns of each import kind, as data.

Each column names its model field, the headers accepted for it (Chinese, English, a few aliases), whether it
is required, how a cell is parsed (lenient about what Excel does to cells: 40.0 for 40, TRUE for 是) and how a
value is written back on export, so an exported file imports again with no changes.
"""
from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..checklists.models import Category
from ..points.models import Frequency
from ..schools.models import SchoolType

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")  # as the schools and points schemas accept
# A CSV export prefixes text starting with these with ' so that a spreadsheet does not run it as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell that cannot become a value; the message is the reason shown to the user."""


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


# --- parsers: a non-empty cell in, a value out (or CellError) -------------------------------------------

def _as_text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 1001 comes back from Excel as 1001.0
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        text = text[1:]  # our own CSV export's guard against formulas
    return text


def text(max_length: int, *, code: bool = False) -> Callable[[object], str]:
    def parse(value) -> str:
        result = _as_text(value)
        if len(result) > max_length:
            raise CellError(_("at most %(n)s characters", n=max_length))
        if code and not CODE.fullmatch(result):
            raise CellError(_("use 1–32 letters, digits and _ . - only, not '%(value)s'", value=_shown(result)))
        return result
    return parse


def integer(minimum: int, maximum: int) -> Callable[[object], int]:
    def parse(value) -> int:
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            cleaned = value.strip().replace(",", "")
            if re.fullmatch(r"[+-]?\d+(\.0+)?", cleaned):
                number = int(float(cleaned)) if "." in cleaned else int(cleaned)
        if number is None:
            raise CellError(_("a whole number is expected, not '%(value)s'", value=_shown(value)))
        if not minimum <= number <= maximum:
            raise CellError(_("must be between %(min)s and %(max)s", min=minimum, max=maximum))
        return number
    return parse


def decimal(minimum: float, maximum: float) -> Callable[[object], float]:
    def parse(value) -> float:
        number = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        if number is None or not math.isfinite(number):
            raise CellError(_("a number is expected, not '%(value)s'", value=_shown(value)))
        if not minimum <= number <= maximum:
            raise CellError(_("must be between %(min)s and %(max)s", min=minimum, max=maximum))
        return number
    return parse


TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "没有", "n", "no", "false", "0", "×"}


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = _as_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("expected 是/否, Y/N, true/false or 1/0, not '%(value)s'", value=_shown(value)))


def _normal_word(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def choice(names: dict[enum.Enum, tuple[str, ...]], unknown: Callable[..., str]) -> Callable[[object], enum.Enum]:
    """An enum cell: the value (fire_equipment) or any of its names (消防器材, "Fire equipment")."""
    lookup = {}
    for member, words in names.items():
        for word in (member.value, *words):
            lookup[_normal_word(word)] = member

    def parse(value) -> enum.Enum:
        member = lookup.get(_normal_word(_as_text(value)))
        if member is None:
            chinese = is_chinese()
            choices = ", ".join(words[0] if chinese else member.value for member, words in names.items())
            raise CellError(unknown(value=_shown(value), choices=choices))
        return member
    return parse


# --- formatters: a value out to a cell, in the language of the request -----------------------------------

def is_chinese() -> bool:
    from ..core.schemas import is_chinese as chinese
    return chinese()


def _plain(value, _chinese: bool):
    return value


def _yes_no(value, chinese: bool):
    if chinese:
        return "是" if value else "否"
    return "Y" if value else "N"


def _enum_name(names: dict[enum.Enum, tuple[str, ...]]):
    def export(value, chinese: bool):
        return names[value][0] if chinese else value.value
    return export


# --- the names of enum values --------------------------------------------------------------------------

CATEGORY_NAMES = {
    Category.fire_equipment: ("消防器材", "消防设施", "Fire equipment"),
    Category.evacuation_route: ("疏散通道", "安全出口", "Evacuation route"),
    Category.electrical: ("用电安全", "电气线路", "电气", "Electrical"),
    Category.canteen: ("食堂食品", "食堂", "食品安全", "Canteen and food", "Canteen"),
    Category.water_body: ("水域", "涉水区域", "Water body"),
    Category.gate_security: ("门卫安保", "校门安保", "门卫", "Gate and security"),
    Category.building: ("校舍建筑", "校舍", "建筑", "Building structure", "Building"),
    Category.laboratory: ("实验室危化品", "实验室", "Laboratory and chemicals", "Laboratory"),
    Category.dormitory: ("宿舍", "学生宿舍", "Dormitory"),
    Category.playground: ("运动场地", "操场", "体育场地", "Playground and sports", "Playground"),
    Category.school_bus: ("校车", "School bus"),
    Category.other: ("其他", "其它", "Other"),
}

FREQUENCY_NAMES = {
    Frequency.daily: ("每天", "每日", "Every day"),
    Frequency.weekly: ("每周", "每星期", "Every week"),
    Frequency.monthly: ("每月", "Every month"),
    Frequency.term: ("每学期", "学期", "Every term", "termly"),
}

SCHOOL_TYPE_NAMES = {
    SchoolType.kindergarten: ("幼儿园", "Kindergarten"),
    SchoolType.primary: ("小学", "Primary", "Primary school"),
    SchoolType.junior_secondary: ("初中", "初级中学", "Junior secondary"),
    SchoolType.senior_secondary: ("高中", "高级中学", "Senior secondary"),
    SchoolType.nine_year: ("九年一贯制", "九年一贯制学校", "Nine-year school"),
    SchoolType.twelve_year: ("十二年一贯制", "十二年一贯制学校", "Twelve-year school"),
    SchoolType.vocational: ("职业学校", "中等职业学校", "中职", "Vocational"),
    SchoolType.special_education: ("特殊教育学校", "特教学校", "Special education"),
}


# --- columns and kinds -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    parse: Callable[[object], object]
    required: bool = False
    default: object = None  # what an empty cell (or, on create, a missing optional column) means
    aliases: tuple[str, ...] = ()
    export: Callable[[object, bool], object] = _plain

    def header(self, chinese: bool) -> str:
        return self.zh if chinese else self.en

    def names(self) -> set[str]:
        return {normal_header(n) for n in (self.zh, self.en, *self.aliases)}


@dataclass(frozen=True)
class Spec:
    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the fields that identify a row: upsert by these
    by_header: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_header: dict[str, Column] = {}
        for column in self.columns:
            for name in column.names():
                if by_header.setdefault(name, column) is not column:
                    raise ValueError(f"{self.kind}: the header {name} would name two columns")
        object.__setattr__(self, "by_header", by_header)

    def column(self, header: str) -> Column | None:
        return self.by_header.get(normal_header(header))


def normal_header(header: str) -> str:
    """Headers match whatever the case, spacing, "_"/"-"/" " and a trailing required-marker "*"."""
    return re.sub(r"[\s_\-]+", "_", str(header).strip().rstrip("*＊").strip().lower())


_school_code = Column("school_code", "学校代码", "school_code", text(32, code=True), required=True,
                      aliases=("学校编码", "学校编号"))
_category = choice(CATEGORY_NAMES, lambda **kw: _("unknown category '%(value)s' (use one of: %(choices)s)", **kw))
_frequency = choice(FREQUENCY_NAMES, lambda **kw: _("unknown frequency '%(value)s' (use one of: %(choices)s)", **kw))
_school_type = choice(SCHOOL_TYPE_NAMES,
                      lambda **kw: _("unknown school type '%(value)s' (use one of: %(choices)s)", **kw))

SPECS: dict[str, Spec] = {
    "schools": Spec("schools", (
        Column("code", "学校代码", "school_code", text(32, code=True), required=True,
               aliases=("学校编码", "学校编号", "code")),
        Column("name_zh", "学校名称", "name_zh", text(200), required=True, aliases=("中文名称", "name")),
        Column("name_en", "英文名称", "name_en", text(200), default=""),
        Column("district", "区县代码", "district_code", text(32, code=True), required=True,
               aliases=("区县编码", "district")),
        Column("type", "学校类型", "type", _school_type, required=True, export=_enum_name(SCHOOL_TYPE_NAMES),
               aliases=("类型", "办学类型", "school_type")),
        Column("boarding", "寄宿", "boarding", boolean, default=False, export=_yes_no, aliases=("是否寄宿",)),
        Column("has_school_bus", "校车", "has_school_bus", boolean, default=False, export=_yes_no,
               aliases=("有无校车", "是否有校车", "school_bus")),
        Column("address", "地址", "address", text(300), default="", aliases=("学校地址",)),
        Column("enrolment", "在校学生数", "enrolment", integer(0, 100_000), default=0,
               aliases=("学生数", "在校生数", "enrollment")),
    ), key=("code",)),
    "classes": Spec("classes", (
        _school_code,
        Column("grade", "年级", "grade", integer(1, 15), required=True),
        Column("name", "班级名称", "class_name", text(50), required=True, aliases=("班级", "班名", "name")),
        Column("student_count", "学生人数", "student_count", integer(0, 200), required=True,
               aliases=("人数", "班级人数")),
    ), key=("school_code", "grade", "name")),
    "points": Spec("points", (
        _school_code,
        Column("code", "点位代码", "point_code", text(32, code=True), required=True,
               aliases=("点位编码", "点位编号", "code")),
        Column("name_zh", "点位名称", "name_zh", text(200), required=True, aliases=("中文名称", "name")),
        Column("name_en", "英文名称", "name_en", text(200), default=""),
        Column("category", "类别", "category", _category, required=True, export=_enum_name(CATEGORY_NAMES),
               aliases=("类型", "点位类别")),
        Column("location", "位置", "location", text(300), default="", aliases=("具体位置", "地点")),
        Column("latitude", "纬度", "latitude", decimal(-90, 90), aliases=("lat",)),
        Column("longitude", "经度", "longitude", decimal(-180, 180), aliases=("lng", "lon")),
        Column("frequency", "巡查频次", "frequency", _frequency, default=Frequency.weekly,
               export=_enum_name(FREQUENCY_NAMES), aliases=("频次", "巡查频率")),
    ), key=("school_code", "code")),
}

KINDS = tuple(SPECS)
