import marshmallow as ma
from marshmallow import validate

from ..core.schemas import StrictSchema
from .models import SignerRole


class SignatureIn(StrictSchema):
    """Sent as a multipart form with the PNG of the signing pad as `file`."""

    role = ma.fields.Enum(SignerRole, by_value=True, required=True, metadata={
        "description": "inspector (the caller signs) or countersigner (the head of the inspected place signs on the "
                       "inspector's phone)"})
    name = ma.fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "the countersigner's name and post, e.g. 后勤处 王主任 (the inspector's: from the account)"})


class SignatureSchema(ma.Schema):
    id = ma.fields.Integer()
    role = ma.fields.Enum(SignerRole, by_value=True)
    signer_name = ma.fields.String()
    signed_at = ma.fields.AwareDateTime()
    captured_by_id = ma.fields.Integer()
    sha256 = ma.fields.String()
    width = ma.fields.Integer()
    height = ma.fields.Integer()


def multipart_with_file(schema: type[ma.Schema], description: str) -> dict:
    """A request body that is a multipart form: the schema's fields and a required file."""
    from flask_smorest.fields import Upload
    form = type(f"{schema.__name__}Form", (schema,), {"file": Upload(required=True, metadata={
        "description": description})})
    return {"required": True, "content": {"multipart/form-data": {"schema": form}}}
