"""The dangerous-waters ledger."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ...core.schemas import IdField, PageArgs, StrictSchema
from ...points.models import Frequency
from ..models import RiskGrade


class WaterArgs(PageArgs):
    school_id = IdField()
    region_id = IdField()
    risk_grade = ma.fields.Enum(RiskGrade, by_value=True)


class WaterLedgerArgs(StrictSchema):
    region_id = IdField()
    school_id = IdField()


class WaterBodyIn(StrictSchema):
    risk_grade = ma.fields.Enum(RiskGrade, by_value=True)
    water_type = ma.fields.String(validate=validate.Length(max=32))
    distance_m = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100_000))
    responsible_person = ma.fields.String(validate=validate.Length(max=50))
    responsible_phone = ma.fields.String(validate=validate.Regexp(r"^[0-9+\-() ]{0,32}$"))
    notes = ma.fields.String(validate=validate.Length(max=4000))


class WaterBodySchema(ma.Schema):
    point_id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    location = ma.fields.String()
    frequency = ma.fields.Enum(Frequency, by_value=True)
    effective_frequency = ma.fields.Enum(Frequency, by_value=True)
    next_due_at = ma.fields.AwareDateTime(allow_none=True)
    last_inspected_at = ma.fields.AwareDateTime(allow_none=True)
    risk_grade = ma.fields.Enum(RiskGrade, by_value=True, allow_none=True)
    water_type = ma.fields.String(allow_none=True)
    distance_m = ma.fields.Integer(allow_none=True)
    responsible_person = ma.fields.String(allow_none=True)
    responsible_phone = ma.fields.String(allow_none=True)
    notes = ma.fields.String(allow_none=True)
    on_ledger = ma.fields.Boolean(metadata={"description": "false until the school fills in the ledger facts"})
