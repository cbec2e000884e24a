"""A school's points, managed from the pages: add one, change it, retire it, give it a new QR code (the old
label stops working) and print its label in any of the point-label layouts (named by their titles).

Every form goes through the points and labels services with the logged-in user, as the API's
`/schools/<id>/points`, `/points/<id>`, `/retire` and `/rotate-qr` do.
"""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.scope import Capability, require_school
from ..checklists.models import Category
from ..errors import ApiError
from ..extensions import db
from ..labels import services as labels
from ..points import services as points
from ..points.models import Frequency
from ..points.schemas import PointIn, PointUpdateIn
from . import forms
from .blueprint import bp
from .session import current_user, login_required

FIELDS = ("code", "name_zh", "name_en", "category", "frequency", "location")


def _point_form() -> dict:
    return {field: forms.text(field) for field in FIELDS if forms.text(field) or field in ("name_en", "location")}


def _manage_page(point_id: int, error: ApiError | None = None, status: int = 200):
    point = points.get_point(current_user(), point_id, Capability.manage)
    return render_template("pages/point_manage.html", point=point, school=point.school, qr_url=points.qr_url(point),
                           layouts=labels.point_label_layouts(), categories=list(Category),
                           frequencies=list(Frequency), error=error, form=request.form), status


@bp.route("/school/<int:school_id>/points", methods=["POST"])
@login_required
def school_point_create(school_id):
    user = current_user()
    school = require_school(user, school_id, Capability.manage)
    try:
        point = points.create_point(user, school, forms.load(PointIn, _point_form()))
    except ApiError as error:
        db.session.rollback()
        flash(f"{error.message} {' '.join(m for ms in (error.fields or {}).values() for m in ms)}".strip(), "bad")
        return redirect(url_for("pages.school_points", school_id=school.id), 303)
    flash(_("Point %(code)s added.", code=point.code), "ok")
    return redirect(url_for("pages.point_manage", point_id=point.id), 303)


@bp.route("/points/<int:point_id>/manage")
@login_required
def point_manage(point_id):
    return _manage_page(point_id)


@bp.route("/points/<int:point_id>/manage", methods=["POST"])
@login_required
def point_update(point_id):
    user = current_user()
    point = points.get_point(user, point_id, Capability.manage)
    action = forms.text("action")
    try:
        if action == "retire":
            points.retire_point(user, point)
            flash(_("The point was retired: its code no longer scans."), "ok")
        elif action == "rotate":
            points.rotate_qr(user, point)
            flash(_("A new QR code was made: print the new label; the old one no longer works."), "ok")
        else:
            points.update_point(user, point, forms.load(PointUpdateIn, _point_form()))
            flash(_("Saved."), "ok")
    except ApiError as error:
        db.session.rollback()
        return _manage_page(point_id, error, error.status)
    return redirect(url_for("pages.point_manage", point_id=point.id), 303)


@bp.route("/points/<int:point_id>/label.pdf")
@login_required
def point_label_pdf(point_id):
    """One point's label as a print-ready PDF, in the chosen layout."""
    point = points.get_point(current_user(), point_id, Capability.manage)
    pdf = labels.school_labels_pdf([point], request.args.get("template") or "a4-stickers-3x8")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="qr-label-{point.code}.pdf"', "Cache-Control": "no-store"})
