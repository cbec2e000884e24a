"""The principal's board: a school's open hazards, drills, points and downloads (offices see it by drilling down)."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..accounts.scope import Capability, may, require_school
from ..checklists.models import Category
from ..core.clock import now
from ..drills import services as drills
from ..drills.models import REPORTABLE, Drill, DrillStatus
from ..drills.schemas import DrillReportIn
from ..errors import ApiError, Invalid
from ..extensions import db
from ..hazards import ledger
from ..hazards import services as hazards
from ..hazards.models import Hazard, HazardStatus
from ..labels import services as labels
from ..photos import services as photos
from ..points.models import Point
from ..points.services import get_point, visible_points
from . import forms
from .blueprint import bp
from .campaigns import school_campaigns
from .session import current_user, login_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD_HAZARDS = 100


def count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def ledger_response(query: Select, code: str, only_open: bool) -> Response:
    """The hazard ledger (隐患台账) of a school's or a region's hazards, as an XLSX download."""
    name = f"hazard-ledger-{code}{'-open' if only_open else ''}.xlsx"
    return Response(ledger.ledger_xlsx(query), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/school/<int:school_id>")
@login_required
def school_board(school_id):
    user = current_user()
    school = require_school(user, school_id)
    status = request.args.get("status")
    filters = {"school_id": school.id}
    if status in HazardStatus.__members__:
        filters["status"] = [HazardStatus(status)]
    else:
        status, filters["open"] = None, True
    return render_template(
        "pages/school_board.html", school=school, status=status,
        hazards=db.session.scalars(hazards.visible_hazards(user, filters).options(selectinload(Hazard.point))
                                   .limit(BOARD_HAZARDS)).all(),
        shown_total=count(hazards.visible_hazards(user, filters)),
        counts=hazards.count_by_status(user, {"school_id": school.id}),
        overdue=count(hazards.visible_hazards(user, {"school_id": school.id, "overdue": True})),
        drills_due=db.session.scalars(drills.visible_drills(user, {"school_id": school.id, "status": REPORTABLE})
                                      .limit(20)).all(),
        drills_done=db.session.scalars(drills.visible_drills(user, {"school_id": school.id,
                                                                    "status": [DrillStatus.reported]})
                                       .order_by(None).order_by(Drill.window_end.desc()).limit(5)).all(),
        late_points=db.session.scalars(visible_points(user, {"school_id": school.id, "overdue": True})
                                       .order_by(None).order_by(Point.next_due_at).limit(10)).all(),
        late_points_total=count(visible_points(user, {"school_id": school.id, "overdue": True})),
        points_total=count(visible_points(user, {"school_id": school.id})),
        campaigns=school_campaigns(user, school),
        manage=may(user, Capability.manage, school.id), moment=now())


@bp.route("/school/<int:school_id>/points")
@login_required
def school_points(school_id):
    user = current_user()
    school = require_school(user, school_id)
    overdue = request.args.get("overdue") == "1"
    points = db.session.scalars(visible_points(user, {"school_id": school.id, "overdue": overdue})).all()
    return render_template("pages/school_points.html", school=school, points=points, overdue=overdue,
                           layouts=labels.point_label_layouts(), categories=list(Category),
                           manage=may(user, Capability.manage, school.id), moment=now())


@bp.route("/school/<int:school_id>/ledger.xlsx")
@login_required
def school_ledger(school_id):
    """The school's hazard ledger (隐患台账): every hazard, or only the open ones."""
    user = current_user()
    school = require_school(user, school_id)
    only_open = request.args.get("open") == "1"
    return ledger_response(hazards.visible_hazards(user, {"school_id": school.id, "open": only_open}), school.code,
                           only_open)


@bp.route("/school/<int:school_id>/labels.pdf")
@login_required
def school_labels(school_id):
    """Print-ready QR labels (those who manage the school: the labels carry live tokens)."""
    user = current_user()
    school = require_school(user, school_id, Capability.manage)
    category = request.args.get("category")
    if category and category not in Category.__members__:
        raise Invalid(fields={"category": [str(category)]})
    points = labels.school_points(user, school, {"category": Category(category) if category else None})
    pdf = labels.school_labels_pdf(points, request.args.get("template") or "a4-stickers-3x8")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="qr-labels-{school.code}.pdf"', "Cache-Control": "no-store"})


@bp.route("/points/<int:point_id>/label.png")
@login_required
def point_label(point_id):
    point = get_point(current_user(), point_id, Capability.manage)
    png = labels.point_label_png(point, request.args.get("template") or "thermal-50x30")
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.route("/photos/<int:photo_id>/<any(thumb, display, original):size>")
@login_required
def photo(photo_id, size):
    """A photo for the pages (an <img> cannot send the API's bearer header); the API's visibility rule."""
    picture = photos.get_visible(current_user(), photo_id)
    response = send_file(photos.open_copy(picture, size), etag=f"{picture.sha256}-{size}", conditional=True,
                         mimetype=picture.mime if size == "original" else "image/jpeg", max_age=86400)
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    return response


# --- drills ---------------------------------------------------------------------------------------------

@bp.route("/drills/<int:drill_id>")
@login_required
def drill_page(drill_id, error: ApiError | None = None, status: int = 200):
    user = current_user()
    drill = drills.present(drills.get_drill(user, drill_id))
    may_report = drill.status in REPORTABLE and may(user, Capability.inspect, drill.school_id)
    return render_template("pages/drill.html", drill=drill, school=drill.school, may_report=may_report,
                           error=error, form=request.form, moment=now()), status


@bp.route("/drills/<int:drill_id>/report", methods=["POST"])
@login_required
def drill_report(drill_id):
    user = current_user()
    drill = drills.get_drill(user, drill_id)  # 404 before anything is read
    try:
        data = forms.load(DrillReportIn, _drill_record_form())
        data["photo_ids"] = forms.uploaded_photos(user)
        if (plan := request.files.get("plan")) and plan.filename:
            drills.attach_plan(user, drill, plan.filename, plan.read())
        _reported, opened = drills.report(user, drill, data)
    except ApiError as error:
        db.session.rollback()
        return drill_page(drill_id, error=error, status=error.status)
    flash(_("The drill report was saved."), "ok")
    if opened:  # the page lists the improvements, each with a link to its hazard
        flash(_("%(n)s improvements were opened as hazards; their links are under the report.", n=len(opened)), "ok")
    return redirect(url_for("pages.drill_page", drill_id=drill.id), 303)


def _drill_record_form() -> dict:
    """The record form's fields as the API takes them: one building row, one improvement."""
    improvement = forms.text("improvement_text")
    return {
        "conducted_at": forms.local_moment("conducted_at"), "scenario": forms.text("scenario"),
        "mode": forms.text("mode") or None, "time_of_day": forms.text("time_of_day") or None,
        "place": forms.text("place") or None, "staff_count": forms.text("staff_count") or None,
        "student_count": forms.text("student_count") or None,
        "head_count_done": forms.text("head_count_done") == "yes",
        "evacuations": [{"building": forms.text("building") or None, "floors": forms.text("floors") or None,
                         "seconds": forms.text("evacuation_seconds") or None}],
        "injuries": forms.text("injuries") or 0, "injury_notes": forms.text("injury_notes"),
        "review": forms.text("review"), "phases": request.form.getlist("phases"), "notes": forms.text("notes"),
        "improvements": [{"text": improvement, "action": forms.text("improvement_action") or "note"}]
        if improvement else []}
