import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import ValidationError, validate, validates_schema

from ..core.schemas import IdField, Localised, PageArgs, StrictSchema
from .models import Category, Grade, ItemKind

_key = validate.Regexp(r"^[a-z0-9_]{1,64}$", error="1–64 lower-case letters, digits or _")


class ChoiceIn(StrictSchema):
    value = ma.fields.String(required=True, validate=_key)
    zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    en = ma.fields.String(load_default="", validate=validate.Length(max=100))
    fails = ma.fields.Boolean(load_default=False)


class ItemIn(StrictSchema):
    key = ma.fields.String(required=True, validate=_key)
    kind = ma.fields.Enum(ItemKind, by_value=True, required=True)
    text_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))
    text_en = ma.fields.String(load_default="", validate=validate.Length(max=500))
    hint_zh = ma.fields.String(load_default="", validate=validate.Length(max=1000))
    hint_en = ma.fields.String(load_default="", validate=validate.Length(max=1000))
    unit = ma.fields.String(load_default="", validate=validate.Length(max=20))
    min_value = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False)
    max_value = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False)
    choices = ma.fields.List(ma.fields.Nested(ChoiceIn), allow_none=True, load_default=None)
    photo_on_fail = ma.fields.Boolean(load_default=False)
    fail_grade = ma.fields.Enum(Grade, by_value=True, load_default=Grade.general)

    @validates_schema
    def _kind_fits(self, data, **_kwargs):
        kind = data["kind"]
        low, high = data.get("min_value"), data.get("max_value")
        if kind == ItemKind.number:
            if low is None and high is None:
                raise ValidationError(_("A number item needs an allowed range."), "min_value")
            if low is not None and high is not None and low > high:
                raise ValidationError(_("The lowest allowed value is above the highest."), "min_value")
        elif low is not None or high is not None:
            raise ValidationError(_("Only number items have a range."), "min_value")
        choices = data.get("choices")
        if kind == ItemKind.choice:
            if not choices or len(choices) < 2:
                raise ValidationError(_("A choice item needs at least two choices."), "choices")
            if len({c["value"] for c in choices}) != len(choices):
                raise ValidationError(_("Choice values must differ."), "choices")
        elif choices:
            raise ValidationError(_("Only choice items have choices."), "choices")


class TemplateIn(StrictSchema):
    """A whole template: used by the API, by the shipped defaults and by imports alike."""

    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_.\-]{1,64}$"))
    category = ma.fields.Enum(Category, by_value=True, required=True)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(load_default="", validate=validate.Length(max=200))
    needs_countersignature = ma.fields.Boolean(load_default=False, metadata={
        "description": "the record of a check with this list is countersigned by the head of the inspected place"})
    items = ma.fields.List(ma.fields.Nested(ItemIn), required=True, validate=validate.Length(min=1, max=100))

    @validates_schema
    def _keys_unique(self, data, **_kwargs):
        keys = [item["key"] for item in data.get("items", [])]
        if len(set(keys)) != len(keys):
            raise ValidationError(_("Item keys must be unique in a template."), "items")


class NewVersionIn(StrictSchema):
    """Editing a template writes a new version with these items."""

    items = ma.fields.List(ma.fields.Nested(ItemIn), required=True, validate=validate.Length(min=1, max=100))
    note = ma.fields.String(load_default="", validate=validate.Length(max=500))
    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(max=200))

    _keys_unique = TemplateIn._keys_unique


class ChoiceSchema(ma.Schema):
    value = ma.fields.String()
    zh = ma.fields.String()
    en = ma.fields.String()
    fails = ma.fields.Boolean()


class ItemSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    key = ma.fields.String()
    kind = ma.fields.Enum(ItemKind, by_value=True)
    text = Localised("text")
    text_zh = ma.fields.String()
    text_en = ma.fields.String()
    hint = Localised("hint")
    unit = ma.fields.String()
    min_value = ma.fields.Float(allow_none=True)
    max_value = ma.fields.Float(allow_none=True)
    choices = ma.fields.List(ma.fields.Nested(ChoiceSchema), allow_none=True)
    photo_on_fail = ma.fields.Boolean()
    fail_grade = ma.fields.Enum(Grade, by_value=True)


class VersionSchema(ma.Schema):
    id = ma.fields.Integer()
    template_id = ma.fields.Integer()
    number = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    note = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ItemSchema))


class TemplateSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    category = ma.fields.Enum(Category, by_value=True)
    name = Localised()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    region_id = ma.fields.Integer(allow_none=True)
    is_default = ma.fields.Boolean()
    needs_countersignature = ma.fields.Boolean()
    current_version = ma.fields.Nested(VersionSchema)


class TemplateArgs(PageArgs):
    category = ma.fields.Enum(Category, by_value=True)
    region_id = IdField()
