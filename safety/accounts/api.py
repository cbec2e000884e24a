from flask import g, request
from flask.views import MethodView

from ..core.auth import current_actor, public
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import Forbidden, Unauthorized
from ..extensions import db
from . import services
from .schemas import (
    LOGIN_EXAMPLE,
    LoginIn,
    LoginOut,
    MeUpdateIn,
    UserArgs,
    UserCreateIn,
    UserSchema,
    UserUpdateIn,
)

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Log in, log out, users and roles")


@blp.route("/auth/login")
@public
class Login(MethodView):
    @blp.doc(security=[])
    @blp.arguments(LoginIn, example=LOGIN_EXAMPLE)
    @blp.response(200, LoginOut)
    def post(self, data):
        """Exchange a username and password for a bearer token"""
        result = services.login(data["username"], data["password"], request.user_agent.string or "")
        db.session.commit()  # failed attempts must be kept even though the answer is 401
        if result.user is None:
            raise Unauthorized(code="bad_credentials")
        return {"access_token": result.token, "token_type": "Bearer", "expires_in": result.expires_in,
                "user": result.user}


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Revoke the token used for this request"""
        services.logout(current_actor(), g.api_token)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The caller, with role assignments and scopes"""
        return current_actor()

    @blp.arguments(MeUpdateIn)
    @blp.response(200, UserSchema)
    def patch(self, data):
        """Change one's own display name or language"""
        actor = current_actor()
        return services.update_user(actor, actor, data)


def _require_user_admin():
    actor = current_actor()
    if not services.may_manage_users(actor):
        raise Forbidden()
    return actor


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserArgs, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args):
        """Users in the caller's scope

        Admins and safety offices: users with a role in their scope; a principal: the school's safety officers
        (inspectors) and class teachers, whom they may also create, disable and assign to classes.
        """
        return paginate(services.visible_users(_require_user_admin(), args), args)

    @blp.arguments(UserCreateIn)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user with role assignments inside the caller's scope"""
        return services.create_user(_require_user_admin(), **data)


@blp.route("/users/<int:user_id>")
class UserDetail(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user in scope"""
        return services.get_visible_user(_require_user_admin(), user_id)

    @blp.arguments(UserUpdateIn)
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a user; `active: false` disables the account and revokes its tokens"""
        actor = _require_user_admin()
        return services.update_user(actor, services.get_visible_user(actor, user_id), data)
