import marshmallow as ma
from marshmallow import validate

from ..core.schemas import IdField, PageArgs, StrictSchema
from .models import Role

LOGIN_EXAMPLE = {"username": "inspector.dh-sy-xx", "password": "demo-pass-2026"}


class LoginIn(StrictSchema):
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = ma.fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class RoleAssignmentSchema(ma.Schema):
    role = ma.fields.Enum(Role, by_value=True)
    school_id = ma.fields.Integer(allow_none=True)
    school_code = ma.fields.Function(lambda a: a.school.code if a.school else None, allow_none=True,
                                     metadata={"type": "string"})
    region_id = ma.fields.Integer(allow_none=True)
    region_code = ma.fields.Function(lambda a: a.region.code if a.region else None, allow_none=True,
                                     metadata={"type": "string"})
    class_id = ma.fields.Integer(allow_none=True, metadata={"description": "班主任的班级（class_teacher）"})


class RoleAssignmentIn(StrictSchema):
    role = ma.fields.Enum(Role, by_value=True, required=True)
    school_id = IdField()
    school_code = ma.fields.String(validate=validate.Length(max=32))
    region_id = IdField()
    region_code = ma.fields.String(validate=validate.Length(max=32))
    class_id = IdField(metadata={"description": "class_teacher: the class (its school is implied)"})


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    locale = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime()
    roles = ma.fields.List(ma.fields.Nested(RoleAssignmentSchema))


class LoginOut(ma.Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()
    user = ma.fields.Nested(UserSchema)


_username = validate.Regexp(r"^[A-Za-z0-9_.\-]{3,64}$", error="3–64 letters, digits, _ . -")
_locale = validate.OneOf(["zh_Hans_CN", "en"])


class UserCreateIn(StrictSchema):
    username = ma.fields.String(required=True, validate=_username)
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    display_name = ma.fields.String(validate=validate.Length(max=100))
    email = ma.fields.Email(allow_none=True)
    phone = ma.fields.String(allow_none=True, validate=validate.Length(max=32))
    locale = ma.fields.String(allow_none=True, validate=_locale)
    roles = ma.fields.List(ma.fields.Nested(RoleAssignmentIn), required=True, validate=validate.Length(min=1))


class UserUpdateIn(StrictSchema):
    display_name = ma.fields.String(validate=validate.Length(max=100))
    email = ma.fields.Email(allow_none=True)
    phone = ma.fields.String(allow_none=True, validate=validate.Length(max=32))
    locale = ma.fields.String(allow_none=True, validate=_locale)
    password = ma.fields.String(load_only=True, validate=validate.Length(max=256))
    active = ma.fields.Boolean()
    roles = ma.fields.List(ma.fields.Nested(RoleAssignmentIn), validate=validate.Length(min=1))


class MeUpdateIn(StrictSchema):
    display_name = ma.fields.String(validate=validate.Length(max=100))
    locale = ma.fields.String(allow_none=True, validate=_locale)


class UserArgs(PageArgs):
    q = ma.fields.String(validate=validate.Length(max=64))
    school_id = IdField(metadata={"description": "只列出在该校有角色的用户"})
    role = ma.fields.Enum(Role, by_value=True)
    active = ma.fields.Boolean()
