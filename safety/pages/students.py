"""Key students (重点学生) and home visits (家访) on the phone: a class's list with the visits owed, adding a
student, and one student's visits with the form to record the next. The class teacher reaches their classes,
the principal and the safety officer every class of the school; everyone else gets a 404, as from the API."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..campaigns.letters.receipts import class_label
from ..core.clock import now
from ..core.schemas import is_chinese
from ..errors import ApiError
from ..extensions import db
from ..students import services
from ..students.models import VisitForm
from ..students.rules import current_rules
from ..students.schemas import KeyStudentIn, VisitIn
from . import forms
from .blueprint import bp
from .session import current_user, login_required

VISIT_FORMS = {VisitForm.home: _l("At home"), VisitForm.phone: _l("By phone"),
               VisitForm.video: _l("By video")}


def _flag_names() -> dict[str, str]:
    name = "name_zh" if is_chinese() else "name_en"
    return {key: flag.get(name) or flag["name_zh"] for key, flag in current_rules().flags.items()}


@bp.route("/classes/<int:class_id>/key-students", methods=["GET", "POST"])
@login_required
def class_key_students(class_id):
    """The class's key students with the visits owed; the form below adds one."""
    user = current_user()
    error, status = None, 200
    if request.method == "POST":
        try:
            data = forms.load(KeyStudentIn, {"name": forms.text("name"), "student_no": forms.text("student_no"),
                                             "flags": request.form.getlist("flags"), "notes": forms.text("notes")})
            services.add_student(user, class_id, data)
            flash(_("Saved."), "ok")
            return redirect(url_for("pages.class_key_students", class_id=class_id), 303)
        except ApiError as problem:
            db.session.rollback()
            error, status = problem, problem.status
    school_class, students = services.class_students(user, class_id)
    owed = services.tasks_of([s.id for s in students])
    return render_template("pages/key_students.html", school_class=school_class, label=class_label,
                           students=students, owed=owed, flags=_flag_names(), error=error, form=request.form,
                           phone=True), status


@bp.route("/key-students/<int:student_id>", methods=["GET", "POST"])
@login_required
def key_student(student_id):
    """One key student: the visits owed and made; the form records a visit."""
    user = current_user()
    student = services.get_student(user, student_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            data = forms.load(VisitIn, {"visited_on": forms.text("visited_on"), "form": forms.text("form"),
                                        "visitor": forms.text("visitor"), "notes": forms.text("notes"),
                                        "follow_up": forms.text("follow_up")})
            services.record_visit(user, student, data)
            flash(_("Home visit recorded."), "ok")
            return redirect(url_for("pages.key_student", student_id=student.id), 303)
        except ApiError as problem:
            db.session.rollback()
            error, status = problem, problem.status
    return render_template("pages/key_student.html", student=student, label=class_label,
                           owed=services.tasks_of([student.id]).get(student.id, []), visits=services.visits_of(student),
                           flags=_flag_names(), visit_forms=VISIT_FORMS, today=forms.local_input_value(now()),
                           visitor=user.display_name or user.username, error=error, form=request.form,
                           phone=True), status


@bp.route("/key-students/<int:student_id>/remove", methods=["POST"])
@login_required
def remove_key_student(student_id):
    user = current_user()
    student = services.get_student(user, student_id)
    services.remove_student(user, student, forms.text("reason"))
    flash(_("Taken off the list."), "ok")
    return redirect(url_for("pages.class_key_students", class_id=student.class_id), 303)
