import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from ..checklists.models import Category, Grade
from ..core.schemas import IdField, Localised, PageArgs, StrictSchema, is_chinese, localised
from ..photos.schemas import PhotoRef, PhotoRefSchema
from .models import CalendarKind, DrillKind, DrillStatus
from .rules import BUS, EVACUATION


def _name(row: dict) -> str:
    zh, en = row["name_zh"], row["name_en"]
    return (zh or en) if is_chinese() else (en or zh)


class DrillSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    school_name = ma.fields.Function(lambda drill: localised(drill.school), metadata={"type": "string"})
    kind = ma.fields.Enum(DrillKind, by_value=True)
    requirement = ma.fields.String(metadata={"description": "evacuation or bus"})
    period_key = ma.fields.String(metadata={"description": "2026-11, 2026-11b (second half), 2026-Q4, 2026-autumn"})
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime(metadata={"description": "exclusive: the window closes at this moment"})
    status = ma.fields.Enum(DrillStatus, by_value=True)
    reminded_at = ma.fields.AwareDateTime(allow_none=True)
    overdue_at = ma.fields.AwareDateTime(allow_none=True)
    reported_at = ma.fields.AwareDateTime(allow_none=True)
    conducted_at = ma.fields.AwareDateTime(allow_none=True)
    participants = ma.fields.Integer(allow_none=True)
    evacuation_seconds = ma.fields.Integer(allow_none=True)
    flags = ma.fields.List(ma.fields.String(), attribute="flag_list",
                           metadata={"description": "slow_evacuation, late (held after the window), late_report"})
    held_on_time = ma.fields.Boolean()


class DrillSchema(DrillSummarySchema):
    notes = ma.fields.String(allow_none=True)
    reported_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    photos = ma.fields.List(ma.fields.Nested(PhotoRefSchema))


class OpenedHazardSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    grade = ma.fields.Enum(Grade, by_value=True)


class DrillReportOut(DrillSchema):
    hazards = ma.fields.List(ma.fields.Nested(OpenedHazardSchema), metadata={"description": "hazards opened"})


class DrillArgs(PageArgs):
    school_id = IdField()
    region_id = IdField()
    status = DelimitedList(ma.fields.Enum(DrillStatus, by_value=True))
    kind = ma.fields.Enum(DrillKind, by_value=True)
    requirement = ma.fields.String(validate=validate.OneOf([EVACUATION, BUS]))
    since = ma.fields.Date(metadata={"description": "windows overlapping [since, until], local days"})
    until = ma.fields.Date()


class ProblemIn(StrictSchema):
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    grade = ma.fields.Enum(Grade, by_value=True, load_default=Grade.general)
    category = ma.fields.Enum(Category, by_value=True, metadata={"description": "default evacuation_route"})
    photo_ids = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))


class DrillReportIn(StrictSchema):
    conducted_at = ma.fields.AwareDateTime(required=True)
    participants = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    evacuation_seconds = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 3600))
    notes = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    photo_ids = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))
    problems = ma.fields.List(ma.fields.Nested(ProblemIn), load_default=list, validate=validate.Length(max=20),
                              metadata={"description": "each opens a hazard at the school"})


class ComplianceArgs(StrictSchema):
    region_id = IdField()
    school_id = IdField()
    since = ma.fields.Date(metadata={"description": "first local day (default: a year before `until`)"})
    until = ma.fields.Date(metadata={"description": "last local day (default: today)"})


class ComplianceFigures(ma.Schema):
    required = ma.fields.Integer(metadata={"description": "drills whose window ended in the range"})
    on_time = ma.fields.Integer(metadata={"description": "reported, held inside the window"})
    late = ma.fields.Integer(metadata={"description": "reported, held after the window"})
    missed = ma.fields.Integer(metadata={"description": "not reported"})
    rate = ma.fields.Float(allow_none=True, metadata={"description": "% held on time; null when none required"})


class DistrictCompliance(ComplianceFigures):
    region_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.Function(_name, metadata={"type": "string"})


class SchoolCompliance(ComplianceFigures):
    school_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.Function(_name, metadata={"type": "string"})
    region_id = ma.fields.Integer()


class ComplianceSchema(ma.Schema):
    since = ma.fields.Date()
    until = ma.fields.Date()
    overall = ma.fields.Nested(ComplianceFigures)
    districts = ma.fields.List(ma.fields.Nested(DistrictCompliance))
    schools = ma.fields.List(ma.fields.Nested(SchoolCompliance))


class CalendarArgs(PageArgs):
    region_id = IdField(metadata={"description": "that region's own periods"})
    school_id = IdField(metadata={"description": "the calendar the school follows (nearest region with one)"})


class CalendarPeriodIn(StrictSchema):
    region_id = IdField(required=True)
    kind = ma.fields.Enum(CalendarKind, by_value=True, required=True)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = ma.fields.String(load_default="", validate=validate.Length(max=100))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True, metadata={"description": "inclusive"})


class CalendarPeriodSchema(ma.Schema):
    id = ma.fields.Integer()
    region_id = ma.fields.Integer()
    kind = ma.fields.Enum(CalendarKind, by_value=True)
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    name = Localised()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
