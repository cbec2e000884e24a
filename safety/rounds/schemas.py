import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from ..checklists.models import Category
from ..core.schemas import IdField, PageArgs, StrictSchema, localised
from .models import RoundStatus


class RoundKindSchema(ma.Schema):
    key = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    cadence = ma.fields.String(metadata={"description": "daily, nightly, weekly, monthly (school days) or launched"})
    responsible = ma.fields.String(metadata={"description": "duty, safety_officer or principal"})
    categories = ma.fields.List(ma.fields.Enum(Category, by_value=True),
                                metadata={"description": "point categories covered; empty: every point"})
    boarding_only = ma.fields.Boolean()
    needs_countersignature = ma.fields.Boolean(metadata={
        "description": "the record is signed by the head of the inspected department too (公安部61号令 第二十六条)"})
    completes_late = ma.fields.Boolean(metadata={"description": "may be finished after its window, flagged late"})
    source = ma.fields.String(metadata={"description": "the rule this default comes from"})


class RoundSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    school_name = ma.fields.Function(lambda r: localised(r.school), metadata={"type": "string"})
    kind = ma.fields.String()
    name = ma.fields.Function(lambda r: localised(r.spec) if r.spec else r.kind, metadata={"type": "string"})
    needs_countersignature = ma.fields.Function(lambda r: bool(r.spec and r.spec.needs_countersignature),
                                                metadata={"type": "boolean"})
    period_key = ma.fields.String(metadata={"description": "2026-09-03 (a day or night), 2026-W36, 2026-09, check-12"})
    check_id = ma.fields.Integer(allow_none=True, metadata={"description": "the launched check it belongs to"})
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime(metadata={"description": "exclusive"})
    status = ma.fields.Enum(RoundStatus, by_value=True, metadata={
        "description": "open, done, missed (a launched check's: late, still finishable)"})
    responsible_id = ma.fields.Integer(allow_none=True)
    points_covered = ma.fields.Integer(metadata={"description": "points the round covers (now)"})
    points_inspected = ma.fields.Integer(metadata={"description": "of those, inspected in the window"})
    done_at = ma.fields.AwareDateTime(allow_none=True)
    missed_at = ma.fields.AwareDateTime(allow_none=True)
    late = ma.fields.Boolean(metadata={"description": "done after its window (launched checks)"})
    escalated_at = ma.fields.AwareDateTime(allow_none=True, metadata={
        "description": "this miss made the school's misses repeated: it is in the district's queue"})


class RoundPointSchema(ma.Schema):
    point_id = ma.fields.Function(lambda row: row["point"].id, metadata={"type": "integer"})
    code = ma.fields.Function(lambda row: row["point"].code, metadata={"type": "string"})
    name = ma.fields.Function(lambda row: localised(row["point"]), metadata={"type": "string"})
    category = ma.fields.Function(lambda row: row["point"].category.value, metadata={"type": "string"})
    location = ma.fields.Function(lambda row: row["point"].location, metadata={"type": "string"})
    done = ma.fields.Boolean()
    inspected_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "first inspection in the window"})


class RoundDetailSchema(RoundSchema):
    points = ma.fields.List(ma.fields.Nested(RoundPointSchema), metadata={"description": "in walking order"})


class RoundArgs(PageArgs):
    school_id = IdField()
    kind = DelimitedList(ma.fields.String(validate=validate.Length(max=32)))
    status = DelimitedList(ma.fields.Enum(RoundStatus, by_value=True))
    escalated = ma.fields.Boolean()
    since = ma.fields.Date(metadata={"description": "windows ending after this local day starts"})
    until = ma.fields.Date(metadata={"description": "windows starting by the end of this local day"})


class DutyIn(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    user_id = IdField(required=True, metadata={"description": "someone who may inspect at the school"})


class DutySchema(ma.Schema):
    school_id = ma.fields.Integer()
    kind = ma.fields.String()
    user_id = ma.fields.Integer()
    user_name = ma.fields.Function(lambda d: d.user.display_name or d.user.username, metadata={"type": "string"})
    named_at = ma.fields.AwareDateTime()


class CheckIn(StrictSchema):
    region_id = IdField(required=True, metadata={"description": "every active school at or below it takes part"})
    kind = ma.fields.String(required=True, validate=validate.Length(min=1, max=32),
                            metadata={"description": "term_start_check, holiday_check or special_check"})
    title = ma.fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "default: the kind's"})
    description = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    categories = ma.fields.List(ma.fields.Enum(Category, by_value=True), validate=validate.Length(max=20),
                                metadata={"description": "point categories to check; default: the kind's (all)"})
    starts_at = ma.fields.AwareDateTime(metadata={"description": "default: now"})
    deadline = ma.fields.AwareDateTime(required=True)


class CheckArgs(PageArgs):
    region_id = IdField()
    kind = ma.fields.String(validate=validate.Length(max=32))


class CheckCounts(ma.Schema):
    schools = ma.fields.Integer()
    done = ma.fields.Integer(metadata={"description": "including those done late"})
    done_late = ma.fields.Integer()
    late = ma.fields.Integer(metadata={"description": "past the deadline, not finished"})
    open = ma.fields.Integer()


class CheckSchema(ma.Schema):
    id = ma.fields.Integer()
    region_id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    categories = ma.fields.Function(lambda c: [x for x in c.categories.split(",") if x],
                                    metadata={"type": "array", "items": {"type": "string"}})
    starts_at = ma.fields.AwareDateTime()
    deadline = ma.fields.AwareDateTime()
    launched_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class CheckSchoolSchema(ma.Schema):
    school_id = ma.fields.Integer()
    school_name = ma.fields.Function(lambda row: localised(row["school"]), metadata={"type": "string"})
    round_id = ma.fields.Integer()
    status = ma.fields.Enum(RoundStatus, by_value=True)
    late = ma.fields.Boolean(metadata={"description": "past the deadline unfinished, or finished after it"})
    done_at = ma.fields.AwareDateTime(allow_none=True)
    points_covered = ma.fields.Integer()
    points_inspected = ma.fields.Integer()


class CheckDetailSchema(CheckSchema):
    counts = ma.fields.Nested(CheckCounts)
    schools = ma.fields.List(ma.fields.Nested(CheckSchoolSchema))
