import marshmallow as ma
from marshmallow import validate

from ..core.schemas import IdField, Localised, PageArgs, StrictSchema
from .models import RegionLevel, SchoolType

_code = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$", error="1–32 letters, digits, _ . -")


class RegionSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    level = ma.fields.Enum(RegionLevel, by_value=True)
    parent_id = ma.fields.Integer(allow_none=True)


class RegionIn(StrictSchema):
    code = ma.fields.String(required=True, validate=_code)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = ma.fields.String(load_default="", validate=validate.Length(max=100))
    level = ma.fields.Enum(RegionLevel, by_value=True, required=True)
    parent_id = IdField(allow_none=True)


class SchoolSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    region_id = ma.fields.Integer()
    region_code = ma.fields.String(attribute="region.code")
    type = ma.fields.Enum(SchoolType, by_value=True)
    boarding = ma.fields.Boolean()
    has_school_bus = ma.fields.Boolean()
    address = ma.fields.String()
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    enrolment = ma.fields.Integer()
    max_building_floors = ma.fields.Integer()
    open_in_holidays = ma.fields.Boolean()
    active = ma.fields.Boolean()


class _SchoolFields(StrictSchema):
    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(max=200))
    type = ma.fields.Enum(SchoolType, by_value=True)
    boarding = ma.fields.Boolean()
    has_school_bus = ma.fields.Boolean()
    address = ma.fields.String(validate=validate.Length(max=300))
    latitude = ma.fields.Float(allow_none=True, validate=validate.Range(-90, 90), allow_nan=False,
                               metadata={"description": "WGS 84, for the map"})
    longitude = ma.fields.Float(allow_none=True, validate=validate.Range(-180, 180), allow_nan=False)
    enrolment = ma.fields.Integer(validate=validate.Range(min=0, max=100_000))
    max_building_floors = ma.fields.Integer(validate=validate.Range(min=1, max=100))
    open_in_holidays = ma.fields.Boolean(metadata={"description": "open through the holidays: drills due then too"})


class SchoolIn(_SchoolFields):
    code = ma.fields.String(required=True, validate=_code)
    region_id = IdField(required=True)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = ma.fields.Enum(SchoolType, by_value=True, required=True)


class SchoolUpdateIn(_SchoolFields):
    region_id = IdField()
    active = ma.fields.Boolean()


class SchoolArgs(PageArgs):
    region_id = IdField()
    type = ma.fields.Enum(SchoolType, by_value=True)
    q = ma.fields.String(validate=validate.Length(max=64))
    active = ma.fields.Boolean()


class ClassSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    grade = ma.fields.Integer()
    name = ma.fields.String()
    student_count = ma.fields.Integer()


class ClassIn(StrictSchema):
    grade = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=15))
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=50))
    student_count = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=200))


class ClassUpdateIn(StrictSchema):
    name = ma.fields.String(validate=validate.Length(min=1, max=50))
    student_count = ma.fields.Integer(validate=validate.Range(min=0, max=200))


class RosterStudent(StrictSchema):
    student_no = ma.fields.String(load_default="", validate=validate.Length(max=32),
                                  metadata={"description": "学号（可选）"})
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "姓名"})


class RosterIn(StrictSchema):
    students = ma.fields.List(ma.fields.Nested(RosterStudent), required=True, validate=validate.Length(max=120))


class RosterSchema(ma.Schema):
    class_id = ma.fields.Integer()
    students = ma.fields.List(ma.fields.Nested(RosterStudent))
