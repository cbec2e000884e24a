"""Parent letters and receipts: the school's view and the parent's."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ...core.schemas import IdField, PageArgs, StrictSchema


class LetterArgs(StrictSchema):
    school_id = IdField(required=True)


class LetterPageArgs(PageArgs, LetterArgs):
    pass


class LetterLabelArgs(LetterArgs):
    template = ma.fields.String(load_default="parent-letter-receipt", validate=validate.Length(max=64))


class LetterSchema(ma.Schema):
    id = ma.fields.Integer()
    class_id = ma.fields.Integer()
    class_name = ma.fields.String()
    grade = ma.fields.Integer()
    students = ma.fields.Integer()
    online_receipts = ma.fields.Integer()
    paper_receipts = ma.fields.Integer()
    received = ma.fields.Integer(metadata={"description": "online + paper, at most the class size"})
    rate = ma.fields.Float(allow_none=True)
    url = ma.fields.String(metadata={"description": "what the QR code on the letter opens"})


class PaperReceiptsIn(StrictSchema):
    count = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=10_000),
                              metadata={"description": "signed paper slips collected so far (replaces the count)"})


class ReceiptSchema(ma.Schema):
    child = ma.fields.String()
    signer = ma.fields.String()
    received_at = ma.fields.AwareDateTime()


class PublicReceiptIn(StrictSchema):
    child = ma.fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "the child's name or student number"})
    signer = ma.fields.String(load_default="", validate=validate.Length(max=50),
                              metadata={"description": "the parent's name, as a signature"})


class PublicLetterSchema(ma.Schema):
    """What a parent sees: the letter's school, class and campaign, never anything about other children."""

    confirmed = ma.fields.Boolean(metadata={"description": "true once this child's receipt is recorded"})
    school = ma.fields.String()
    class_name = ma.fields.String()
    campaign = ma.fields.String()
    open = ma.fields.Boolean(metadata={"description": "false once the campaign has closed"})
