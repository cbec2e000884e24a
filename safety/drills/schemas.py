import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate
from webargs.fields import DelimitedList

from ..checklists.models import Category, Grade
from ..core.schemas import IdField, Localised, PageArgs, StrictSchema, is_chinese, localised
from ..photos.schemas import PhotoRef, PhotoRefSchema
from .models import CalendarKind, DrillKind, DrillMode, DrillPlace, DrillStatus, DrillTime, ImprovementAction
from .rules import REQUIREMENTS


def _name(row: dict) -> str:
    zh, en = row["name_zh"], row["name_en"]
    return (zh or en) if is_chinese() else (en or zh)


class DrillSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    school_name = ma.fields.Function(lambda drill: localised(drill.school), metadata={"type": "string"})
    kind = ma.fields.Enum(DrillKind, by_value=True)
    requirement = ma.fields.String(metadata={"description": "evacuation, bus or night (once a term)"})
    period_key = ma.fields.String(metadata={"description": "2026-11, 2026-11b (second half), 2026-Q4, 2026-autumn"})
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime(metadata={"description": "exclusive: the window closes at this moment"})
    status = ma.fields.Enum(DrillStatus, by_value=True)
    reminded_at = ma.fields.AwareDateTime(allow_none=True)
    overdue_at = ma.fields.AwareDateTime(allow_none=True)
    reported_at = ma.fields.AwareDateTime(allow_none=True)
    conducted_at = ma.fields.AwareDateTime(allow_none=True)
    evacuation_seconds = ma.fields.Integer(allow_none=True, metadata={"description": "the slowest building's"})
    flags = ma.fields.List(ma.fields.String(), attribute="flag_list", metadata={
        "description": "slow_evacuation, late (held after the window), late_report, no_plan, no_head_count, "
                       "phases_skipped, reused_photo (its photo is evidence elsewhere too)"})
    held_on_time = ma.fields.Boolean()


class EvacuationSchema(ma.Schema):
    building = ma.fields.String()
    floors = ma.fields.Integer()
    seconds = ma.fields.Integer()
    slow = ma.fields.Boolean(metadata={"description": "slower than the threshold for its height"})


class ImprovementSchema(ma.Schema):
    id = ma.fields.Integer()
    text = ma.fields.String()
    action = ma.fields.Enum(ImprovementAction, by_value=True)
    hazard_id = ma.fields.Integer(allow_none=True)
    owner_id = ma.fields.Integer(allow_none=True)
    due_on = ma.fields.Date(allow_none=True)
    done_at = ma.fields.AwareDateTime(allow_none=True)
    done_note = ma.fields.String()


class PlanSchema(ma.Schema):
    filename = ma.fields.String()
    mime = ma.fields.String()
    byte_size = ma.fields.Integer()
    sha256 = ma.fields.String()
    uploaded_at = ma.fields.AwareDateTime()


class DrillSchema(DrillSummarySchema):
    scenario = ma.fields.String()
    mode = ma.fields.Enum(DrillMode, by_value=True, allow_none=True)
    time_of_day = ma.fields.Enum(DrillTime, by_value=True, allow_none=True)
    place = ma.fields.Enum(DrillPlace, by_value=True, allow_none=True)
    staff_count = ma.fields.Integer(allow_none=True)
    student_count = ma.fields.Integer(allow_none=True)
    head_count_done = ma.fields.Boolean(allow_none=True)
    evacuations = ma.fields.List(ma.fields.Nested(EvacuationSchema))
    injuries = ma.fields.Integer(allow_none=True)
    injury_notes = ma.fields.String()
    review = ma.fields.String()
    phases = ma.fields.List(ma.fields.String(), attribute="phase_list")
    improvements = ma.fields.List(ma.fields.Nested(ImprovementSchema))
    plan = ma.fields.Nested(PlanSchema, allow_none=True)
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
    requirement = ma.fields.String(validate=validate.OneOf(REQUIREMENTS))
    since = ma.fields.Date(metadata={"description": "windows overlapping [since, until], local days"})
    until = ma.fields.Date()


class EvacuationIn(StrictSchema):
    building = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    floors = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    seconds = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 3600),
                                metadata={"description": "from the signal until the building was empty"})


class ImprovementIn(StrictSchema):
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    action = ma.fields.Enum(ImprovementAction, by_value=True, load_default=ImprovementAction.note,
                            metadata={"description": "note, hazard (opens one) or task (owner_id and due_on)"})
    description = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    grade = ma.fields.Enum(Grade, by_value=True, load_default=Grade.general)
    category = ma.fields.Enum(Category, by_value=True, metadata={"description": "default evacuation_route"})
    photo_ids = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))
    owner_id = IdField(metadata={"description": "a task's owner: someone who works at the school"})
    due_on = ma.fields.Date()


class DrillReportIn(StrictSchema):
    conducted_at = ma.fields.AwareDateTime(required=True)
    scenario = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000),
                                metadata={"description": "what the drill simulated (情景设定)"})
    mode = ma.fields.Enum(DrillMode, by_value=True, required=True,
                          metadata={"description": "announced (预定式) or surprise (突发式)"})
    time_of_day = ma.fields.Enum(DrillTime, by_value=True, required=True)
    place = ma.fields.Enum(DrillPlace, by_value=True, required=True)
    staff_count = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    student_count = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    head_count_done = ma.fields.Boolean(required=True, metadata={"description": "清点人数 after the evacuation"})
    evacuations = ma.fields.List(ma.fields.Nested(EvacuationIn), required=True,
                                 validate=validate.Length(min=1, max=50),
                                 metadata={"description": "evacuation time per building"})
    injuries = ma.fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))
    injury_notes = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    review = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000),
                              metadata={"description": "the on-site review (现场点评)"})
    phases = ma.fields.List(ma.fields.String(validate=validate.Length(max=40)), load_default=list,
                            validate=validate.Length(max=10),
                            metadata={"description": "phases held, for kinds that have them (earthquake)"})
    notes = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    photo_ids = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))
    improvements = ma.fields.List(ma.fields.Nested(ImprovementIn), load_default=list,
                                  validate=validate.Length(max=20))


class ImprovementDoneIn(StrictSchema):
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))


class PlanUploadIn(StrictSchema):
    file = Upload(required=True, metadata={"description": "the plan (方案): PDF or Word .docx"})


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
