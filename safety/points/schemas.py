import marshmallow as ma
from marshmallow import validate

from ..accounts.scope import Capability, school_ids
from ..checklists.models import CATEGORY_NAMES, Category
from ..checklists.schemas import VersionSchema
from ..core.auth import current_actor, request_cached
from ..core.schemas import IdField, Localised, PageArgs, StrictSchema
from ..extensions import db
from ..hazards.schemas import HazardSummarySchema
from ..inspections.schemas import InspectionSchema
from ..schools.schemas import SchoolSchema
from .models import Frequency

_code = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$", error="1–32 letters, digits, _ . -")


def _managed_school_ids() -> set[int]:
    """Schools whose QR tokens the caller may see, computed once per request."""
    return request_cached("managed_school_ids",
                          lambda: set(db.session.scalars(school_ids(current_actor(), Capability.manage))))


def _if_managed(value_of):
    def dump(point):
        return value_of(point) if point.school_id in _managed_school_ids() else None
    return dump


def _qr_url(point):
    from .services import qr_url
    return qr_url(point)


class PointSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    code = ma.fields.String()
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    category = ma.fields.Enum(Category, by_value=True)
    category_name = ma.fields.Function(lambda p: str(CATEGORY_NAMES[p.category]), metadata={"type": "string"})
    location = ma.fields.String()
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    frequency = ma.fields.Enum(Frequency, by_value=True)
    frequency_override = ma.fields.Enum(Frequency, by_value=True, allow_none=True,
                                        metadata={"description": "a season's stricter rhythm, when in force"})
    template_id = ma.fields.Integer()
    last_inspected_at = ma.fields.AwareDateTime(allow_none=True)
    next_due_at = ma.fields.AwareDateTime(allow_none=True)
    retired_at = ma.fields.AwareDateTime(allow_none=True)
    # Only for those who manage the school: the token is what a forged label would need.
    qr_token = ma.fields.Function(_if_managed(lambda p: p.qr_token), allow_none=True, metadata={"type": "string"})
    qr_url = ma.fields.Function(_if_managed(_qr_url), allow_none=True, metadata={"type": "string"})


class _PointFields(StrictSchema):
    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(max=200))
    category = ma.fields.Enum(Category, by_value=True)
    location = ma.fields.String(validate=validate.Length(max=300))
    latitude = ma.fields.Float(allow_none=True, validate=validate.Range(-90, 90), allow_nan=False)
    longitude = ma.fields.Float(allow_none=True, validate=validate.Range(-180, 180), allow_nan=False)
    frequency = ma.fields.Enum(Frequency, by_value=True)
    template_id = IdField()


class PointIn(_PointFields):
    code = ma.fields.String(required=True, validate=_code)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = ma.fields.Enum(Category, by_value=True, required=True)
    frequency = ma.fields.Enum(Frequency, by_value=True, load_default=Frequency.weekly)


class PointUpdateIn(_PointFields):
    code = ma.fields.String(validate=_code)


class PointArgs(PageArgs):
    school_id = IdField()
    category = ma.fields.Enum(Category, by_value=True)
    overdue = ma.fields.Boolean()
    include_retired = ma.fields.Boolean(load_default=False)
    q = ma.fields.String(validate=validate.Length(max=64))


class ScanSchema(ma.Schema):
    """What a scan opens: the point, its school, the checklist to fill, open hazards, the last inspection."""

    point = ma.fields.Nested(PointSchema)
    school = ma.fields.Nested(SchoolSchema)
    checklist = ma.fields.Nested(VersionSchema)
    open_hazards = ma.fields.List(ma.fields.Nested(HazardSummarySchema))
    last_inspection = ma.fields.Nested(InspectionSchema, allow_none=True)
