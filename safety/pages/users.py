"""User management for admins and safety offices: find people, create accounts with a role in their scope,
reset passwords, switch accounts off and on, change role assignments. Everything goes through the accounts
service (`/api/v1/users`), which decides who may grant which role where and audits every change."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import services as accounts
from ..accounts.models import Role
from ..accounts.schemas import UserCreateIn, UserUpdateIn
from ..core.pagination import paginate
from ..errors import ApiError, Forbidden
from ..extensions import db
from . import forms
from .blueprint import bp
from .session import current_user, login_required, require_office

PER_PAGE = 50
ROLE_NAMES = {Role.admin: _l("Administrator"), Role.safety_office: _l("Safety office"), Role.principal: _l("Principal"),
              Role.inspector: _l("Inspector"), Role.class_teacher: _l("Class teacher")}


def _assignment() -> dict:
    """One role with its scope, as the API takes it: a school's or a region's code, or a class's number."""
    role, scope = forms.text("role"), forms.text("scope")
    if role == Role.class_teacher.value:
        return {"role": role, "class_id": scope or None}
    if role in (Role.safety_office.value,) or (role == Role.inspector.value and forms.text("scope_kind") == "region"):
        return {"role": role, "region_code": scope}
    return {"role": role, "school_code": scope} if scope else {"role": role}


def _page(error: ApiError | None = None, status: int = 200):
    user = current_user()
    require_office(user)
    filters = {"q": request.args.get("q", "").strip()[:64] or None}
    page = max(1, request.args.get("page", 1, type=int))
    found = paginate(accounts.visible_users(user, filters), {"page": page, "per_page": PER_PAGE})
    return render_template("pages/users.html", people=found["items"], total=found["total"], page=page,
                           more=found["total"] > page * PER_PAGE, q=filters["q"] or "", role_names=ROLE_NAMES,
                           me=user, error=error, form=request.form), status


@bp.route("/users")
@login_required
def users():
    return _page()


@bp.route("/users", methods=["POST"])
@login_required
def user_create():
    user = current_user()
    require_office(user)
    try:
        data = forms.load(UserCreateIn, {"username": forms.text("username"), "display_name": forms.text("display_name"),
                                         "password": request.form.get("password") or "", "roles": [_assignment()]})
        created = accounts.create_user(user, **data)
    except ApiError as error:
        db.session.rollback()
        return _page(error, error.status)
    flash(_("Account %(name)s created.", name=created.username), "ok")
    return redirect(url_for("pages.users", q=created.username), 303)


@bp.route("/users/<int:user_id>", methods=["POST"])
@login_required
def user_update(user_id):
    """`change`: password, disable, enable or role (replaces the roles with the one given)."""
    user = current_user()
    require_office(user)
    person = accounts.get_visible_user(user, user_id)
    change = forms.text("change")
    try:
        if change == "password":
            changes = {"password": request.form.get("password") or ""}
        elif change == "role":
            changes = {"roles": [_assignment()]}
        elif change in ("disable", "enable"):
            changes = {"active": change == "enable"}
        else:
            raise Forbidden()
        accounts.update_user(user, person, forms.load(UserUpdateIn, changes))
    except ApiError as error:
        db.session.rollback()
        return _page(error, error.status)
    flash(_("Saved."), "ok")
    return redirect(url_for("pages.users", q=person.username), 303)
