import marshmallow as ma
from marshmallow import validate

from ..core.schemas import IdField, PageArgs, StrictSchema, page_of
from .models import KIND_PATTERN, WebhookFormat

_kind = ma.fields.String(validate=validate.Regexp(KIND_PATTERN, error="a kind: lower-case letters, digits, _"))
_kinds = ma.fields.List(_kind, validate=validate.Length(max=50))


# --- inbox -----------------------------------------------------------------------------------------------

class NotificationArgs(PageArgs):
    unread = ma.fields.Boolean(metadata={"description": "true: only unread; false: only read"})
    kind = ma.fields.String(validate=validate.Regexp(KIND_PATTERN))
    school_id = IdField(metadata={"description": "only those about this school"})


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    subject_type = ma.fields.String()
    subject_id = ma.fields.Integer()
    school_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    read_at = ma.fields.AwareDateTime(allow_none=True)
    read = ma.fields.Function(lambda n: n["read_at"] is not None, metadata={"type": "boolean"})
    title = ma.fields.String(metadata={"description": "in the request's language"})
    body = ma.fields.String(metadata={"description": "in the request's language"})
    link_path = ma.fields.String(allow_none=True, metadata={"description": "the subject's resource in this API"})


class InboxPageSchema(page_of(NotificationSchema)):
    unread_count = ma.fields.Integer(metadata={"description": "all the caller's unread notifications"})


class MarkedSchema(ma.Schema):
    marked = ma.fields.Integer(metadata={"description": "how many became read with this call"})
    unread_count = ma.fields.Integer()


# --- preferences -----------------------------------------------------------------------------------------

class PreferenceSchema(ma.Schema):
    in_app = ma.fields.Function(lambda p: True, metadata={"type": "boolean", "description": "always on"})
    email = ma.fields.Boolean()
    digest = ma.fields.Boolean(metadata={"description": "one e-mail a day (07:00) instead of one per notification"})
    quiet_kinds = ma.fields.List(ma.fields.String(), attribute="quiet_kind_list",
                                 metadata={"description": "kinds never e-mailed (still in the app)"})


class PreferenceIn(StrictSchema):
    email = ma.fields.Boolean()
    digest = ma.fields.Boolean()
    quiet_kinds = _kinds


# --- webhooks --------------------------------------------------------------------------------------------

class WebhookSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    region_id = ma.fields.Integer(allow_none=True)
    school_id = ma.fields.Integer(allow_none=True)
    url = ma.fields.String()
    format = ma.fields.Enum(WebhookFormat, by_value=True)
    kinds = ma.fields.List(ma.fields.String(), attribute="kind_list",
                           metadata={"description": "only these kinds; empty: every kind"})
    active = ma.fields.Boolean()
    has_secret = ma.fields.Boolean(metadata={"description": "the secret itself is shown only when created"})
    created_at = ma.fields.AwareDateTime()


class WebhookCreatedSchema(WebhookSchema):
    secret = ma.fields.String(metadata={"description": "keep it: it signs every post and is not shown again"})


_url = ma.fields.URL(schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500))
_secret = ma.fields.String(validate=validate.Length(min=8, max=200), load_only=True)


class WebhookUpdateIn(StrictSchema):
    name = ma.fields.String(validate=validate.Length(max=100))
    url = _url
    secret = ma.fields.String(validate=validate.Length(min=8, max=200), load_only=True, allow_none=True,
                              metadata={"description": "null removes it"})
    format = ma.fields.Enum(WebhookFormat, by_value=True)
    kinds = _kinds
    active = ma.fields.Boolean()


class WebhookIn(WebhookUpdateIn):
    region_id = IdField(metadata={"description": "a region's robot (offices); or school_id"})
    school_id = IdField(metadata={"description": "a school's robot (its principal, offices above it)"})
    url = ma.fields.URL(schemes={"http", "https"}, require_tld=False, required=True,
                        validate=validate.Length(max=500))
    secret = _secret

    @ma.validates_schema
    def one_scope(self, data, **kwargs):
        if (data.get("region_id") is None) == (data.get("school_id") is None):
            raise ma.ValidationError("Give either region_id or school_id.", "school_id")
