"""The school's people, managed by its principal: the safety officer (an inspector of the school) and the class
teachers with their classes. Every change goes through the accounts service, as `PATCH /api/v1/users/<id>` does:
the same rules decide who may grant what, and every change is audited."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import services as accounts
from ..accounts.models import Role
from ..accounts.schemas import UserCreateIn, UserUpdateIn
from ..accounts.scope import Capability, require_school
from ..campaigns.letters.receipts import class_label
from ..errors import ApiError
from ..extensions import db
from ..schools.services import school_classes
from . import forms
from .blueprint import bp
from .session import current_user, login_required

ROLE_NAMES = {Role.inspector: _l("Safety officer"), Role.class_teacher: _l("Class teacher")}


def _roles(role: str, class_ids: list[str], school_id: int) -> list[dict]:
    if role == Role.class_teacher.value:
        return [{"role": role, "class_id": class_id} for class_id in class_ids]
    return [{"role": role, "school_id": school_id}]


def _page(school_id: int, error: ApiError | None = None, status: int = 200):
    user = current_user()
    school = require_school(user, school_id, Capability.manage)
    people = db.session.scalars(accounts.visible_users(user, {"school_id": school.id})).all()
    classes = db.session.scalars(school_classes(school)).all()
    return render_template("pages/school_staff.html", school=school, people=people, classes=classes,
                           label=class_label, role_names=ROLE_NAMES, error=error, form=request.form, me=user), status


@bp.route("/school/<int:school_id>/staff")
@login_required
def school_staff(school_id):
    return _page(school_id)


@bp.route("/school/<int:school_id>/staff", methods=["POST"])
@login_required
def school_staff_create(school_id):
    """A new safety officer or class teacher of this school."""
    user = current_user()
    school = require_school(user, school_id, Capability.manage)
    try:
        roles = _roles(forms.text("role"), request.form.getlist("class_id"), school.id)
        data = forms.load(UserCreateIn, {"username": forms.text("username"), "display_name": forms.text("display_name"),
                                         "password": request.form.get("password") or "", "roles": roles})
        created = accounts.create_user(user, **data)
    except ApiError as error:
        db.session.rollback()
        return _page(school_id, error, error.status)
    flash(_("Account %(name)s created.", name=created.username), "ok")
    return redirect(url_for("pages.school_staff", school_id=school.id), 303)


@bp.route("/school/<int:school_id>/staff/<int:user_id>", methods=["POST"])
@login_required
def school_staff_update(school_id, user_id):
    """Classes, a new password, or the account switched off or on (`change` says which)."""
    user = current_user()
    school = require_school(user, school_id, Capability.manage)
    person = accounts.get_visible_user(user, user_id)
    change = forms.text("change")
    try:
        if change == "classes":
            changes = {"roles": _roles(Role.class_teacher.value, request.form.getlist("class_id"), school.id)}
        elif change == "password":
            changes = {"password": request.form.get("password") or ""}
        else:
            changes = {"active": change == "enable"}
        accounts.update_user(user, person, forms.load(UserUpdateIn, changes))
    except ApiError as error:
        db.session.rollback()
        return _page(school_id, error, error.status)
    flash(_("Saved."), "ok")
    return redirect(url_for("pages.school_staff", school_id=school.id), 303)
