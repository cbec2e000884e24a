import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest.fields import Upload

from ..core.schemas import StrictSchema
from .services import SIZES


class PhotoRef(ma.fields.Field):
    """A photo id (integer) or the SHA-256 (64 hex) the phone computed before uploading."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                                 {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}]})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
            return value
        if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdefABCDEF" for c in value):
            return value.lower()
        raise ma.ValidationError(_("A photo id or a SHA-256 (64 hex characters)."))


class PhotoUploadIn(StrictSchema):
    file = Upload(required=True, metadata={"description": "JPEG, PNG, WebP or HEIC/HEIF"})


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer()
    sha256 = ma.fields.String()
    format = ma.fields.String()
    mime = ma.fields.String()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    byte_size = ma.fields.Integer()
    taken_at = ma.fields.AwareDateTime(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    uploaded_at = ma.fields.AwareDateTime()


class PhotoArgs(StrictSchema):
    size = ma.fields.String(load_default="display", validate=ma.validate.OneOf(SIZES))


class PhotoRefSchema(ma.Schema):
    """A photo named as evidence; `uploaded` is false while the phone has not sent it yet."""

    sha256 = ma.fields.String()
    id = ma.fields.Integer(allow_none=True)
    uploaded = ma.fields.Boolean()
