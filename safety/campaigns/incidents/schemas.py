"""The anti-bullying committee and the incident log."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from ...core.schemas import IdField, PageArgs, StrictSchema
from ..models import CommitteeRole, CommitteeSeat, Determination, IncidentStatus


class MemberIn(StrictSchema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=50))
    role = ma.fields.Enum(CommitteeRole, by_value=True, required=True)
    seat = ma.fields.Enum(CommitteeSeat, by_value=True, load_default=CommitteeSeat.staff,
                          metadata={"description": "whom the member stands for (the composition is checked)"})
    position = ma.fields.String(load_default="", validate=validate.Length(max=100))


class MemberSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    name = ma.fields.String()
    role = ma.fields.Enum(CommitteeRole, by_value=True)
    seat = ma.fields.Enum(CommitteeSeat, by_value=True)
    position = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class IncidentIn(StrictSchema):
    school_id = IdField(required=True)
    class_id = IdField()
    occurred_on = ma.fields.Date(required=True)
    summary = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000))
    students_involved = ma.fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))


class IncidentArgs(PageArgs):
    school_id = IdField()
    status = DelimitedList(ma.fields.Enum(IncidentStatus, by_value=True))


class IncidentStatusIn(StrictSchema):
    status = ma.fields.Enum(IncidentStatus, by_value=True, required=True)
    note = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    determination = ma.fields.Enum(Determination, by_value=True,
                                   metadata={"description": "determined: whether the incident is confirmed"})
    measures = ma.fields.List(ma.fields.String(validate=validate.Length(max=48)), validate=validate.Length(max=10),
                              metadata={"description": "handled: the measures taken, as flags of the log's rules "
                                                       "(criticism, education_discipline, special_education, "
                                                       "police_referral, psychological_support)"})
    handling = ma.fields.String(validate=validate.Length(max=4000),
                                metadata={"description": "an account of the handling, without pupils' names"})


class IncidentEventSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    note = ma.fields.String()


class IncidentSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    campaign_id = ma.fields.Integer(allow_none=True)
    class_id = ma.fields.Integer(allow_none=True)
    occurred_on = ma.fields.Date()
    summary = ma.fields.String()
    students_involved = ma.fields.Integer()
    status = ma.fields.Enum(IncidentStatus, by_value=True)
    determination = ma.fields.Enum(Determination, by_value=True, allow_none=True)
    measures = ma.fields.List(ma.fields.String())
    handling = ma.fields.String()
    investigation_due_at = ma.fields.AwareDateTime(allow_none=True)
    determined_at = ma.fields.AwareDateTime(allow_none=True)
    appeal_due_at = ma.fields.AwareDateTime(allow_none=True)
    appealed_at = ma.fields.AwareDateTime(allow_none=True)
    review_due_at = ma.fields.AwareDateTime(allow_none=True)
    escalated_at = ma.fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the late investigation went to the district office's queue"})
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    events = ma.fields.List(ma.fields.Nested(IncidentEventSchema))


class CompositionSchema(ma.Schema):
    school_id = ma.fields.Integer()
    complete = ma.fields.Boolean()
    missing = ma.fields.List(ma.fields.String(), metadata={
        "description": "what the committee lacks: chair:<seat>, a seat (or seats joined by |), student"})
    members = ma.fields.Integer()
