import marshmallow as ma
from marshmallow import validate

from ..core.schemas import IdField, PageArgs, StrictSchema
from ..signatures.schemas import SignatureSchema


class NoticeIn(StrictSchema):
    inspection_id = IdField(metadata={"description": "every problem this inspection found"})
    school_id = IdField(metadata={"description": "with hazard_ids: chosen hazards of one school"})
    hazard_ids = ma.fields.List(IdField(), validate=validate.Length(min=1, max=100))
    inspectors = ma.fields.String(validate=validate.Length(min=1, max=300), metadata={
        "description": "the inspection team as printed; by default who found the problems and the issuer"})
    requirement = ma.fields.String(validate=validate.Length(min=1, max=2000), metadata={
        "description": "the general requirement printed under the list (a standard text by default)"})

    @ma.validates_schema
    def _one_source(self, data, **_kwargs):
        if ("inspection_id" in data) == ("school_id" in data):
            raise ma.ValidationError("Give either inspection_id, or school_id with hazard_ids.", "inspection_id")
        if ("school_id" in data) != ("hazard_ids" in data):
            raise ma.ValidationError("school_id and hazard_ids go together.", "hazard_ids")


class ReceiptIn(StrictSchema):
    """JSON, or a multipart form with the receiver's signature from the pad as `file` (PNG)."""

    received_by = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    received_at = ma.fields.AwareDateTime(metadata={"description": "when the school received it (default: now)"})
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))


class NoticeArgs(PageArgs):
    school_id = IdField()
    inspection_id = IdField()
    year = ma.fields.Integer(validate=validate.Range(2000, 2100))
    received = ma.fields.Boolean()


class NoticeItemSchema(ma.Schema):
    hazard_id = ma.fields.Integer()
    position = ma.fields.Integer()
    deadline = ma.fields.AwareDateTime(allow_none=True)
    title = ma.fields.String(attribute="hazard.title")
    status = ma.fields.String(attribute="hazard.status.value")


class NoticeSchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String(metadata={"description": "the number as printed, e.g. 东湖区安整〔2026〕3号"})
    school_id = ma.fields.Integer()
    office_id = ma.fields.Integer()
    year = ma.fields.Integer()
    number = ma.fields.Integer()
    inspection_id = ma.fields.Integer(allow_none=True)
    issued_by_id = ma.fields.Integer()
    issued_at = ma.fields.AwareDateTime()
    inspectors = ma.fields.String()
    requirement = ma.fields.String()
    received_at = ma.fields.AwareDateTime(allow_none=True)
    received_by = ma.fields.String(allow_none=True)
    receipt_note = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(NoticeItemSchema))
    signatures = ma.fields.List(ma.fields.Nested(SignatureSchema))
