"""Key students and home visits: what the API takes and gives."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ..core.schemas import StrictSchema
from .models import VisitForm, VisitStatus

FLAGS = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=32)), validate=validate.Length(max=10),
                       metadata={"description": "reasons (keys of safety/students/defaults.toml: left_behind, "
                                                "in_difficulty, near_water, single_guardian, other)"})


class KeyStudentIn(StrictSchema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "姓名"})
    student_no = ma.fields.String(load_default="", validate=validate.Length(max=32))
    flags = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=32)), required=True,
                           validate=validate.Length(max=10), metadata=FLAGS.metadata)
    notes = ma.fields.String(load_default="", validate=validate.Length(max=4000))


class KeyStudentUpdateIn(StrictSchema):
    name = ma.fields.String(validate=validate.Length(min=1, max=64))
    student_no = ma.fields.String(validate=validate.Length(max=32))
    flags = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=32)),
                           validate=validate.Length(max=10), metadata=FLAGS.metadata)
    notes = ma.fields.String(validate=validate.Length(max=4000))


class RemoveIn(StrictSchema):
    reason = ma.fields.String(load_default="", validate=validate.Length(max=500),
                              metadata={"description": "why (moved away, no longer at risk …)"})


class VisitTaskSchema(ma.Schema):
    id = ma.fields.Integer()
    round_key = ma.fields.String()
    name_zh = ma.fields.String()
    opens_on = ma.fields.Date()
    due_on = ma.fields.Date()
    status = ma.fields.Enum(VisitStatus, by_value=True)


class KeyStudentSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    class_id = ma.fields.Integer()
    name = ma.fields.String()
    student_no = ma.fields.String()
    flags = ma.fields.List(ma.fields.String(), attribute="flag_list")
    notes = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    visits_owed = ma.fields.List(ma.fields.Nested(VisitTaskSchema), metadata={"description": "visit tasks owed"})


class ClassKeyStudentsSchema(ma.Schema):
    class_id = ma.fields.Integer()
    students = ma.fields.List(ma.fields.Nested(KeyStudentSchema))


class VisitIn(StrictSchema):
    visited_on = ma.fields.Date(required=True, metadata={"description": "the local day of the visit"})
    form = ma.fields.Enum(VisitForm, by_value=True, required=True,
                          metadata={"description": "home (入户), phone (电话), video (视频)"})
    visitor = ma.fields.String(required=True, validate=validate.Length(min=1, max=100),
                               metadata={"description": "who visited (the teachers' names)"})
    notes = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    follow_up = ma.fields.String(load_default="", validate=validate.Length(max=4000),
                                 metadata={"description": "what follows (跟进措施)"})


class VisitSchema(ma.Schema):
    id = ma.fields.Integer()
    key_student_id = ma.fields.Integer()
    task_id = ma.fields.Integer(allow_none=True)
    visited_on = ma.fields.Date()
    form = ma.fields.Enum(VisitForm, by_value=True)
    visitor = ma.fields.String()
    notes = ma.fields.String()
    follow_up = ma.fields.String()
    recorded_at = ma.fields.AwareDateTime()


class VisitListSchema(ma.Schema):
    key_student_id = ma.fields.Integer()
    visits = ma.fields.List(ma.fields.Nested(VisitSchema))


class KeyStudentCountsSchema(ma.Schema):
    school_id = ma.fields.Integer()
    students = ma.fields.Integer()
    by_flag = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    visits = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                            metadata={"description": "visit tasks per status: open, overdue, done, missed"})
