import marshmallow as ma
from marshmallow import validate

from ..core.openapi import SCALAR
from ..core.schemas import IdField, PageArgs


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor = ma.fields.String(attribute="actor.username", allow_none=True)
    action = ma.fields.String()
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    school_id = ma.fields.Integer(allow_none=True)
    region_id = ma.fields.Integer(allow_none=True)
    ip = ma.fields.String()
    details = ma.fields.Dict(keys=ma.fields.String(), metadata={"additionalProperties": SCALAR})


class AuditArgs(PageArgs):
    action = ma.fields.String(validate=validate.Length(max=64))
    school_id = IdField()
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
