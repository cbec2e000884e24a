"""The dangerous-waters ledger."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ...core.openapi import SCALAR
from ...core.schemas import IdField, PageArgs, StrictSchema
from ...points.models import Frequency
from ..models import RiskGrade
from . import equipment


def _known_equipment(values: list[str]) -> None:
    unknown = sorted(set(values) - set(equipment.codes()))
    if unknown:
        raise ma.ValidationError(f"unknown equipment: {', '.join(unknown)}; known: {', '.join(equipment.codes())}")
    if len(set(values)) != len(values):
        raise ma.ValidationError("an item is named twice")


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
    owner = ma.fields.String(validate=validate.Length(max=100), metadata={"description": "权属主体"})
    responsible_unit = ma.fields.String(validate=validate.Length(max=100), metadata={"description": "责任单位"})
    depth_m = ma.fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=300))
    warning_signs = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=1000),
                                      metadata={"description": "警示标志 put up (0: none; null: not surveyed)"})
    rescue_equipment = ma.fields.List(ma.fields.String(), validate=_known_equipment,
                                      metadata={"description": "codes from GET /api/v1/water-bodies/equipment"})
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
    owner = ma.fields.String(allow_none=True)
    responsible_unit = ma.fields.String(allow_none=True)
    depth_m = ma.fields.Float(allow_none=True)
    warning_signs = ma.fields.Integer(allow_none=True)
    rescue_equipment = ma.fields.List(ma.fields.String(), allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    responsible_person = ma.fields.String(allow_none=True)
    responsible_phone = ma.fields.String(allow_none=True)
    notes = ma.fields.String(allow_none=True)
    on_ledger = ma.fields.Boolean(metadata={"description": "false until the school fills in the ledger facts"})


class EquipmentSchema(ma.Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    source = ma.fields.String()


class GeometrySchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": ["Point"]})
    coordinates = ma.fields.List(ma.fields.Float(), metadata={"description": "[longitude, latitude], WGS 84"})


class FeatureSchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": ["Feature"]})
    id = ma.fields.String(metadata={"description": "school-<id>, point-<id> or water_body-<id>"})
    geometry = ma.fields.Nested(GeometrySchema, allow_none=True, metadata={"description": "null: not placed yet"})
    properties = ma.fields.Dict(keys=ma.fields.String(), metadata={
        "additionalProperties": SCALAR,
        "description": "kind (school | point | water_body) and its facts; a water body's are its ledger's (WaterBody)"})


class FeatureCollectionSchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": ["FeatureCollection"]})
    features = ma.fields.List(ma.fields.Nested(FeatureSchema))
