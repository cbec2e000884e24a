import calendar

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import validate
from webargs.fields import DelimitedList

from ..core.schemas import IdField, Localised, PageArgs, StrictSchema, is_chinese, localised
from ..photos.schemas import PhotoRef, PhotoRefSchema
from ..points.models import Frequency
from ..schools.models import SchoolType
from .activities.authenticity import REUSED_IN
from .kinds import BUILTIN, kind_names, kind_spec, window_of
from .models import (
    Cadence,
    CampaignStatus,
    LagStatus,
    TaskStatus,
    TaskUnit,
)


def _known_kind(value: str) -> None:
    if value not in kind_names():
        # marshmallow's own wording, which core/messages.py translates like OneOf's
        raise ma.ValidationError(f"Must be one of: {', '.join(kind_names())}.")


def KindField(**kwargs) -> ma.fields.String:
    """An activity kind: one of the registry's (kinds/); the document lists the shipped ones."""
    return ma.fields.String(metadata={"enum": list(BUILTIN)}, **kwargs)


def _name(row) -> str:
    zh, en = (row["name_zh"], row["name_en"]) if isinstance(row, dict) else (row.name_zh, row.name_en)
    return (zh or en) if is_chinese() else (en or zh)


def valid_month_day(value: str) -> bool:
    """"MM-DD" of a real day (29 February allowed: it is clamped to the 28th in other years)."""
    try:
        month, day = (int(part) for part in value.split("-"))
    except ValueError:
        return False
    return len(value) == 5 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]


# --- definitions ----------------------------------------------------------------------------------------

HHMM = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def _check_window(kind, data: dict) -> None:
    start, end = data.get("window_start"), data.get("window_end")
    if start is None and end is None:
        return
    if kind.window is None:
        raise ma.ValidationError({"window_start": [_("This kind of activity has no time window.")]})
    if (start or kind.window[0]) >= (end or kind.window[1]):
        raise ma.ValidationError({"window_end": [_("Must be later than the start.")]})


class RequirementIn(StrictSchema):
    key = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,47}$"))
    kind = KindField(required=True, validate=_known_kind)
    unit = ma.fields.Enum(TaskUnit, by_value=True, required=True)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = ma.fields.String(load_default="", validate=validate.Length(max=100))
    description_zh = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    description_en = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    due_days = ma.fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))
    season_frequency = ma.fields.Enum(Frequency, by_value=True, load_default=None, allow_none=True)
    holiday_frequency = ma.fields.Enum(Frequency, by_value=True, load_default=None, allow_none=True)
    window_start = ma.fields.String(load_default=None, allow_none=True, validate=validate.Regexp(HHMM),
                                    metadata={"description": "local time the kind's window opens (water_patrol)"})
    window_end = ma.fields.String(load_default=None, allow_none=True, validate=validate.Regexp(HHMM),
                                  metadata={"description": "local time it closes (exclusive; 24:00 for midnight)"})

    @ma.validates_schema
    def _fits(self, data, **_kwargs):
        kind = kind_spec(data["kind"])
        if data["unit"] not in kind.units:
            allowed = ", ".join(u.value for u in kind.units)
            raise ma.ValidationError({"unit": [_("This kind of activity is required per: %(units)s.", units=allowed)]})
        _check_window(kind, data)
        missing = {name: [_("Required for this activity.")] for name in kind.requirement_fields
                   if data.get(name) is None}
        if missing:
            raise ma.ValidationError(missing)


class SchoolTypes(ma.fields.List):
    """The school types a definition is for, each once, stored as their values; empty: every school."""

    def __init__(self, **kwargs):
        super().__init__(ma.fields.Enum(SchoolType, by_value=True), validate=_each_once, metadata={
            "description": "the school types it is for (anti-bullying: not kindergartens); empty: every school"},
            **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return [kind.value for kind in super()._deserialize(value, attr, data, **kwargs)]


def _each_once(values: list) -> None:
    if len(set(values)) != len(values):
        raise ma.ValidationError(_("Name each school type once."))


class DefinitionIn(StrictSchema):
    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,47}$"))
    region_id = IdField(metadata={"description": "the region whose schools it is for (offices); none: shipped"})
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = ma.fields.String(load_default="", validate=validate.Length(max=100))
    description_zh = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    description_en = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    cadence = ma.fields.Enum(Cadence, by_value=True, required=True)
    season_start = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "MM-DD"})
    season_end = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "MM-DD, inclusive"})
    lag_margin = ma.fields.Float(load_default=0.2, validate=validate.Range(min=0, max=1))
    reminder_days = ma.fields.Integer(load_default=3, validate=validate.Range(min=0, max=60))
    late_report_days = ma.fields.Integer(load_default=7, validate=validate.Range(min=0, max=120))
    active = ma.fields.Boolean(load_default=True)
    school_types = SchoolTypes(load_default=list)
    requirements = ma.fields.List(ma.fields.Nested(RequirementIn), required=True,
                                  validate=validate.Length(min=1, max=20))

    @ma.validates_schema
    def _consistent(self, data, **_kwargs):
        problems = {}
        if data["cadence"] == Cadence.season:
            for field in ("season_start", "season_end"):
                if not data.get(field) or not valid_month_day(data[field]):
                    problems[field] = [_("A season needs a month and day as MM-DD.")]
        keys = [r["key"] for r in data.get("requirements", [])]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                problems[f"requirements.{index}.key"] = [_("Each requirement needs its own key.")]
        if problems:
            raise ma.ValidationError(problems)


def _month_day(value: str) -> None:
    if not valid_month_day(value):
        raise ma.ValidationError(_("A season needs a month and day as MM-DD."))


class DefinitionPatch(StrictSchema):
    """What an office may change on a definition in force (requirements are fixed once tasks exist)."""

    name_zh = ma.fields.String(validate=validate.Length(min=1, max=100))
    name_en = ma.fields.String(validate=validate.Length(max=100))
    description_zh = ma.fields.String(validate=validate.Length(max=4000))
    description_en = ma.fields.String(validate=validate.Length(max=4000))
    season_start = ma.fields.String(validate=_month_day)
    season_end = ma.fields.String(validate=_month_day)
    lag_margin = ma.fields.Float(validate=validate.Range(min=0, max=1))
    reminder_days = ma.fields.Integer(validate=validate.Range(min=0, max=60))
    late_report_days = ma.fields.Integer(validate=validate.Range(min=0, max=120))
    active = ma.fields.Boolean()
    school_types = SchoolTypes()


class DefinitionArgs(PageArgs):
    region_id = IdField()


def _window(requirement) -> dict | None:
    window = window_of(requirement)
    return None if window is None else {"start": window[0], "end": window[1]}


class RequirementSchema(ma.Schema):
    id = ma.fields.Integer()
    key = ma.fields.String()
    kind = KindField()
    unit = ma.fields.Enum(TaskUnit, by_value=True)
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    description = Localised("description")
    due_days = ma.fields.Integer()
    season_frequency = ma.fields.Enum(Frequency, by_value=True, allow_none=True)
    holiday_frequency = ma.fields.Enum(Frequency, by_value=True, allow_none=True)
    window_start = ma.fields.String(allow_none=True, metadata={"description": "as set; null: the kind's default"})
    window_end = ma.fields.String(allow_none=True)
    window = ma.fields.Function(_window, allow_none=True, metadata={
        "type": "object", "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
        "description": "the local hours its work counts in (water patrols: 14:00–20:00 unless the region sets "
                       "its own; a product default: 教基厅函〔2022〕18号 names 午后、傍晚, no hours); null: any time"})


class DefinitionSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    region_id = ma.fields.Integer(allow_none=True)
    is_default = ma.fields.Boolean()
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    description = Localised("description")
    cadence = ma.fields.Enum(Cadence, by_value=True)
    season_start = ma.fields.String(allow_none=True)
    season_end = ma.fields.String(allow_none=True)
    lag_margin = ma.fields.Float()
    reminder_days = ma.fields.Integer()
    late_report_days = ma.fields.Integer()
    active = ma.fields.Boolean()
    school_types = ma.fields.List(ma.fields.String(), metadata={"description": "the school types it is for; "
                                                                "empty: every school"})
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema))


# --- campaigns and tasks --------------------------------------------------------------------------------

class CampaignArgs(PageArgs):
    status = ma.fields.Enum(CampaignStatus, by_value=True)
    code = ma.fields.String(validate=validate.Length(max=48), metadata={"description": "definition code"})
    region_id = IdField(metadata={"description": "campaigns that schools of this region take part in"})


class CampaignSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.Function(lambda c: c.definition.code, metadata={"type": "string"})
    definition_id = ma.fields.Integer()
    region_id = ma.fields.Integer()
    period_key = ma.fields.String(metadata={"description": "2027 (a season), 2027-spring (a term)"})
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    cadence = ma.fields.Function(lambda c: c.definition.cadence.value, metadata={"type": "string"})
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date(metadata={"description": "inclusive"})
    status = ma.fields.Enum(CampaignStatus, by_value=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)


class CampaignSchema(CampaignSummarySchema):
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema), attribute="definition.requirements")


class TaskArgs(PageArgs):
    school_id = IdField()
    class_id = IdField()
    activity = ma.fields.String(validate=validate.Length(max=48), metadata={"description": "requirement key"})
    status = DelimitedList(ma.fields.Enum(TaskStatus, by_value=True))


class TaskSchema(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    activity = ma.fields.Function(lambda t: t.requirement.key, metadata={"type": "string"})
    kind = ma.fields.Function(lambda t: t.requirement.kind, metadata={"type": "string"})
    activity_name = ma.fields.Function(lambda t: localised(t.requirement), metadata={"type": "string"})
    school_id = ma.fields.Integer()
    class_id = ma.fields.Integer(allow_none=True)
    class_name = ma.fields.Function(lambda t: t.school_class.name if t.school_class else None, allow_none=True,
                                    metadata={"type": "string"})
    holiday_id = ma.fields.Integer(allow_none=True)
    opens_on = ma.fields.Date()
    due_at = ma.fields.AwareDateTime()
    status = ma.fields.Enum(TaskStatus, by_value=True)
    reminded_at = ma.fields.AwareDateTime(allow_none=True)
    done_at = ma.fields.AwareDateTime(allow_none=True)


# --- activities -----------------------------------------------------------------------------------------

class CountsIn(StrictSchema):
    participants = ma.fields.Integer(validate=validate.Range(min=0, max=100_000))
    letters = ma.fields.Integer(validate=validate.Range(min=0, max=100_000),
                                metadata={"description": "parent_letter: letters handed out"})
    surveyed = ma.fields.Integer(validate=validate.Range(min=0, max=100_000))
    enrolled = ma.fields.Integer(validate=validate.Range(min=0, max=100_000))
    hours = ma.fields.Integer(validate=validate.Range(min=1, max=200), metadata={"description": "training: 学时"})


class ActivityIn(StrictSchema):
    school_id = IdField(required=True)
    activity = ma.fields.String(required=True, validate=validate.Length(min=1, max=48),
                                metadata={"description": "the requirement's key: lesson, parent_letter, …"})
    class_id = IdField(metadata={"description": "for activities required per class"})
    holiday_id = IdField(metadata={"description": "holiday reminders: which holiday (default: the next one owed)"})
    held_on = ma.fields.Date(required=True, metadata={"description": "the local day it took place"})
    counts = ma.fields.Nested(CountsIn, load_default=dict)
    minutes = ma.fields.String(load_default="", validate=validate.Length(max=20_000),
                               metadata={"description": "committee meetings: the minutes"})
    notes = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    trainer = ma.fields.String(load_default="", validate=validate.Length(max=100),
                               metadata={"description": "trainings: who gave it"})
    photo_ids = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))


class ActivityArgs(PageArgs):
    school_id = IdField()
    activity = ma.fields.String(validate=validate.Length(max=48))
    flagged = ma.fields.Boolean(metadata={"description": "only reports with doubts (true) or without (false)"})


class CountsSchema(ma.Schema):
    participants = ma.fields.Integer(allow_none=True)
    letters = ma.fields.Integer(allow_none=True)
    surveyed = ma.fields.Integer(allow_none=True)
    enrolled = ma.fields.Integer(allow_none=True)
    hours = ma.fields.Integer(allow_none=True)


class ActivitySchema(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    task_id = ma.fields.Integer()
    activity = ma.fields.Function(lambda a: a.requirement.key, metadata={"type": "string"})
    kind = KindField()
    school_id = ma.fields.Integer()
    class_id = ma.fields.Integer(allow_none=True)
    held_on = ma.fields.Date()
    counts = ma.fields.Function(lambda a: CountsSchema().dump(a), metadata={
        "type": "object", "additionalProperties": {"type": ["integer", "null"]}})
    minutes = ma.fields.String()
    notes = ma.fields.String()
    trainer = ma.fields.String()
    flags = ma.fields.List(ma.fields.String(), attribute="flag_list", metadata={
        "description": "reused_photo, similar_photo, photo_predates, outside_period, late_report"})
    flag_details = ma.fields.Function(
        lambda a: {flag: ids for flag, ids in (a.flag_details or {}).items() if flag != REUSED_IN},
        metadata={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}},
                  "description": "flag → ids of the other activities concerned"})
    reused_in = ma.fields.Function(lambda a: (a.flag_details or {}).get(REUSED_IN, []), metadata={
        "type": "array", "description": "the hazards and drills whose evidence is the same photo",
        "items": {"type": "object", "required": ["subject", "id"], "additionalProperties": False,
                  "properties": {"subject": {"type": "string", "enum": ["hazard", "drill"]},
                                 "id": {"type": "integer"}}}})
    reported_at = ma.fields.AwareDateTime(metadata={"description": "the server's clock"})
    reported_by_id = ma.fields.Integer(allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoRefSchema))


# --- progress -------------------------------------------------------------------------------------------

class ProgressArgs(StrictSchema):
    region_id = IdField()
    school_id = IdField()


class Figures(ma.Schema):
    schools = ma.fields.Integer()
    tasks = ma.fields.Integer()
    due = ma.fields.Integer(metadata={"description": "tasks due by now"})
    done = ma.fields.Integer()
    overdue = ma.fields.Integer(metadata={"description": "past due and not done (incl. missed)"})
    completion_rate = ma.fields.Float(allow_none=True, metadata={"description": "% of tasks done"})
    expected_rate = ma.fields.Float(allow_none=True, metadata={"description": "% of tasks due by now"})
    classes = ma.fields.Integer(metadata={"description": "classes owing a themed lesson"})
    classes_covered = ma.fields.Integer()
    students = ma.fields.Integer(metadata={"description": "students of classes owing a letter"})
    receipts = ma.fields.Integer(metadata={"description": "online + paper, at most each class's size"})
    receipt_rate = ma.fields.Float(allow_none=True)
    water_bodies = ma.fields.Integer()
    water_bodies_on_time = ma.fields.Integer(metadata={"description": "patrolled within their interval"})
    patrols = ma.fields.Integer(metadata={"description": "inspections of water bodies in the campaign, inside the "
                                                         "patrol window (default 14:00–20:00 local)"})
    patrols_outside_window = ma.fields.Integer(metadata={"description": "… outside it: not counted as patrols"})
    patrol_rate = ma.fields.Float(allow_none=True)
    surveyed = ma.fields.Integer()
    enrolled = ma.fields.Integer()
    survey_coverage = ma.fields.Float(allow_none=True)
    committees = ma.fields.Integer(metadata={"description": "schools with a committee on record (with a chair)"})
    committees_met = ma.fields.Integer(metadata={"description": "… that have met in this campaign"})
    trained = ma.fields.Integer(metadata={"description": "people trained (staff and parents), summed over trainings"})
    training_hours = ma.fields.Integer(metadata={"description": "class hours (学时) of the trainings"})
    lagging = ma.fields.Integer(metadata={"description": "schools flagged lagging"})


class DistrictFigures(Figures):
    region_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.Function(_name, metadata={"type": "string"})


class SchoolFigures(Figures):
    school_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.Function(_name, metadata={"type": "string"})
    region_id = ma.fields.Integer()
    committee_status = ma.fields.String(allow_none=True, metadata={"description": "none, constituted, active"})
    lag_status = ma.fields.Enum(LagStatus, by_value=True, allow_none=True)


class RequirementFigures(ma.Schema):
    key = ma.fields.String()
    kind = KindField()
    name = ma.fields.Function(_name, metadata={"type": "string"})
    tasks = ma.fields.Integer()
    done = ma.fields.Integer()
    overdue = ma.fields.Integer()
    missed = ma.fields.Integer()


class ClassFigures(ma.Schema):
    class_id = ma.fields.Integer()
    grade = ma.fields.Integer()
    name = ma.fields.String()
    students = ma.fields.Integer()
    lesson_done = ma.fields.Boolean(allow_none=True)
    receipts = ma.fields.Integer(allow_none=True)
    receipt_rate = ma.fields.Float(allow_none=True)


class ProgressSchema(ma.Schema):
    campaign = ma.fields.Nested(CampaignSummarySchema)
    as_of = ma.fields.AwareDateTime()
    overall = ma.fields.Nested(Figures)
    districts = ma.fields.List(ma.fields.Nested(DistrictFigures))
    schools = ma.fields.List(ma.fields.Nested(SchoolFigures))
    requirements = ma.fields.List(ma.fields.Nested(RequirementFigures))
    classes = ma.fields.List(ma.fields.Nested(ClassFigures), metadata={"description": "with school_id only"})


class LedgerArgs(StrictSchema):
    region_id = IdField()
