import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import validate

from ..core.schemas import IdField, PageArgs, StrictSchema
from ..errors import ErrorDetail
from ..hazards.schemas import HazardSummarySchema
from ..photos.schemas import PhotoRef, PhotoRefSchema
from ..signatures.schemas import SignatureSchema
from .models import InspectionStatus, Outcome


class OnTheSpotIn(StrictSchema):
    """立行立改: the problem was fixed during this inspection; what was done and photos of the result."""

    note = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))
    photos = ma.fields.List(PhotoRef(), required=True, validate=validate.Length(min=1, max=20))


class ResultIn(StrictSchema):
    item_id = IdField(required=True)
    outcome = ma.fields.Enum(Outcome, by_value=True, required=True)
    value = ma.fields.Raw(allow_none=True, load_default=None,
                          metadata={"description": "number (number items), choice value, or text",
                                    "anyOf": [{"type": "number"}, {"type": "string"}]})
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    photos = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))
    fixed_on_spot = ma.fields.Nested(OnTheSpotIn, metadata={
        "description": "a failed general item fixed during the inspection (立行立改): recorded as a hazard closed on "
                       "the spot, with no deadline"})


class LocationIn(StrictSchema):
    latitude = ma.fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    longitude = ma.fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    accuracy = ma.fields.Float(validate=validate.Range(0, 100_000), allow_nan=False)


# What a phone sends for one scan: a fail with its photo named by SHA-256 (uploaded before or after the form).
INSPECTION_EXAMPLE = {
    "client_uuid": "0b6f0c3e-5d1c-4c8e-9a51-2f0f6a7d9c11", "point_id": 42, "template_version_id": 7,
    "started_at": "2026-11-30T08:05:00+08:00", "submitted_at": "2026-11-30T08:09:30+08:00",
    "location": {"latitude": 30.5928, "longitude": 114.3055, "accuracy": 12},
    "results": [{"item_id": 101, "outcome": "pass"},
                {"item_id": 102, "outcome": "fail", "value": 0.6, "note": "压力表指针在红区",
                  "photos": ["3f2a9c4e8b7d6a5f1e0c9b8a7d6e5f4c3b2a1908f7e6d5c4b3a29180f7e6d5c4"]}],
}


class InspectionIn(StrictSchema):
    client_uuid = ma.fields.UUID(required=True)
    qr_token = ma.fields.String(validate=validate.Length(min=1, max=64))
    point_id = IdField()
    template_version_id = IdField(required=True)
    started_at = ma.fields.AwareDateTime(required=True)
    submitted_at = ma.fields.AwareDateTime(required=True)
    location = ma.fields.Nested(LocationIn, allow_none=True)
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    results = ma.fields.List(ma.fields.Nested(ResultIn), required=True, validate=validate.Length(min=1, max=200))

    @ma.validates_schema
    def _one_point(self, data, **_kwargs):
        if ("qr_token" in data) == ("point_id" in data):
            raise ma.ValidationError("Give either qr_token or point_id.", "point_id")

    @ma.post_load
    def _uuid_text(self, data, **_kwargs):
        data["client_uuid"] = str(data["client_uuid"])
        return data


class ResultSchema(ma.Schema):
    id = ma.fields.Integer()
    item_id = ma.fields.Integer()
    position = ma.fields.Integer()
    outcome = ma.fields.Enum(Outcome, by_value=True)
    value_number = ma.fields.Float(allow_none=True)
    value_text = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    photos = ma.fields.List(ma.fields.Nested(PhotoRefSchema))


class InspectionSchema(ma.Schema):
    id = ma.fields.Integer()
    client_uuid = ma.fields.String()
    point_id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    template_version_id = ma.fields.Integer()
    inspector_id = ma.fields.Integer()
    inspector = ma.fields.String(attribute="inspector.display_name")
    started_at = ma.fields.AwareDateTime()
    submitted_at = ma.fields.AwareDateTime()
    received_at = ma.fields.AwareDateTime()
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    status = ma.fields.Enum(InspectionStatus, by_value=True)
    failed_count = ma.fields.Integer()
    flags = ma.fields.List(ma.fields.String(), attribute="flag_list")
    note = ma.fields.String()
    missing_photos = ma.fields.List(ma.fields.String(), metadata={"description": "SHA-256s still expected"})


class InspectionDetailSchema(InspectionSchema):
    results = ma.fields.List(ma.fields.Nested(ResultSchema))
    hazards = ma.fields.List(ma.fields.Nested(HazardSummarySchema))
    needs_countersignature = ma.fields.Boolean(attribute="template_version.template.needs_countersignature",
                                               metadata={"description": "its checklist asks for a countersignature"})
    signatures = ma.fields.List(ma.fields.Nested(SignatureSchema), metadata={
        "description": "the inspector's and the countersigner's; once signed the record is final"})


class InspectionNoteIn(StrictSchema):
    note = ma.fields.String(required=True, validate=validate.Length(max=2000))


class InspectionArgs(PageArgs):
    school_id = IdField()
    point_id = IdField()
    inspector_id = IdField()
    status = ma.fields.Enum(InspectionStatus, by_value=True)
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
    with_failures = ma.fields.Boolean()
    flagged = ma.fields.Boolean()


SYNC_EXAMPLE = {"inspections": [INSPECTION_EXAMPLE]}


class SyncIn(StrictSchema):
    # Items are validated one by one so one bad submission cannot sink the rest.
    inspections = ma.fields.List(ma.fields.Raw(metadata={"allOf": [{"$ref": "#/components/schemas/InspectionIn"}]}),
                                 required=True, validate=validate.Length(min=1, max=100))


class SyncItemSchema(ma.Schema):
    index = ma.fields.Integer()
    client_uuid = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(metadata={"description": "created | already_had | rejected"})
    status = ma.fields.Integer()
    inspection = ma.fields.Nested(InspectionDetailSchema, allow_none=True)
    error = ma.fields.Nested(ErrorDetail, allow_none=True)


class SyncOut(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(SyncItemSchema))
    created = ma.fields.Integer()
    already_had = ma.fields.Integer()
    rejected = ma.fields.Integer()


class CoverageArgs(StrictSchema):
    since = ma.fields.AwareDateTime(metadata={"description": "default: 30 days before `until`. Without `since` "
                                                             "and `until`: the last 30 days as of the latest "
                                                             "scheduled count (minutes old; see `until`)"})
    until = ma.fields.AwareDateTime(metadata={"description": "default: now"})
    school_id = IdField()
    region_id = IdField()

    @ma.post_load
    def _defaults(self, data, **_kwargs):
        from datetime import timedelta

        from ..core.clock import now
        from .coverage import ROLLING_DAYS
        data["rolling"] = "since" not in data and "until" not in data  # the dashboards' window: pre-counted
        data.setdefault("until", now())
        data.setdefault("since", data["until"] - timedelta(days=ROLLING_DAYS))
        if data["since"] >= data["until"]:
            raise ma.ValidationError({"since": [_("Must be before until.")]})
        return data


class CoverageRowSchema(ma.Schema):
    school_id = ma.fields.Integer()
    region_id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    district_id = ma.fields.Integer()
    points = ma.fields.Integer()
    due = ma.fields.Integer(metadata={"description": "inspections the points' frequencies asked for"})
    done = ma.fields.Integer(metadata={"description": "of those, done (at most one per due slot)"})
    coverage = ma.fields.Float(allow_none=True)


class CoverageSchema(ma.Schema):
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
    schools = ma.fields.List(ma.fields.Nested(CoverageRowSchema))
    districts = ma.fields.List(ma.fields.Nested(CoverageRowSchema))
    total = ma.fields.Nested(CoverageRowSchema)
