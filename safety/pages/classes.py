"""A class teacher's (班主任) pages, phone first: their classes' campaign tasks, the class meeting with photo
evidence, the parent letter (print, share, who confirmed, paper slips) and the class roster.

The principal reaches the same pages for any class of their school. Every view loads through the campaigns
and schools services with the logged-in user, as the API does: another class is a 404.
"""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.scope import Capability, class_ids
from ..campaigns import classwork
from ..campaigns.kinds import COUNT_NAMES, kind_spec
from ..campaigns.letters import receipts
from ..campaigns.letters.schemas import PaperReceiptsIn
from ..campaigns.models import TaskStatus, TaskUnit
from ..core.clock import now
from ..core.schemas import localised
from ..errors import ApiError
from ..extensions import db
from ..schools import rosters
from ..schools.models import SchoolClass
from . import forms
from .blueprint import bp
from .campaign_work import COUNT_LABELS, form_for, report_from_form
from .campaigns import TASK_STATUS
from .session import current_user, login_required

# What a class teacher records from the class page: the kinds done per class or per holiday (the class meeting,
# the letter handed out, the reminder before a holiday), not those recorded elsewhere.
TEACHER_UNITS = {TaskUnit.school_class, TaskUnit.holiday}


def _recordable(requirement) -> bool:
    spec = kind_spec(requirement.kind)
    return spec.recorded_elsewhere is None and requirement.unit in TEACHER_UNITS


@bp.route("/classes")
@login_required
def my_classes():
    """The teacher's home: every class, with what its campaigns still ask of it."""
    user = current_user()
    tasks = classwork.class_tasks(user)
    by_class = {}
    for task in tasks:
        by_class.setdefault(task.class_id, []).append(task)
    return render_template("pages/classes.html", classes=classwork.my_classes(user), by_class=by_class,
                           task_status=TASK_STATUS, label=receipts.class_label, moment=now(), phone=True)


def _class_campaign_page(class_id: int, campaign_id: int, error: ApiError | None = None, status: int = 200):
    user = current_user()
    campaign, school_class = classwork.class_campaign(user, campaign_id, class_id)
    tasks = [t for t in classwork.class_tasks(user, school_class.id) if t.campaign_id == campaign.id]
    # A class's counts (pupils taking part, letters handed out) default to its number of students.
    report_forms = {t.id: form_for(t.requirement, defaults={name: school_class.student_count for name in COUNT_NAMES})
                    for t in tasks if _recordable(t.requirement)}
    return render_template(
        "pages/class_campaign.html", campaign=campaign, school_class=school_class, tasks=tasks,
        label=receipts.class_label(school_class), checklist=classwork.letter_checklist(user, campaign, school_class),
        task_status=TASK_STATUS, report_forms=report_forms, count_labels=COUNT_LABELS, done=TaskStatus.done,
        today=forms.local_input_value(now()), error=error, form=request.form, phone=True), status


@bp.route("/tasks/<int:task_id>")
@login_required
def campaign_task_page(task_id):
    """Where a task's notification leads: its class's page for a class task, else its school's campaign page."""
    user = current_user()
    task = classwork.get_task(user, task_id)
    if task.class_id is not None and db.session.scalar(class_ids(user).where(SchoolClass.id == task.class_id)):
        return redirect(url_for("pages.class_campaign", class_id=task.class_id, campaign_id=task.campaign_id))
    return redirect(url_for("pages.school_campaign", school_id=task.school_id, campaign_id=task.campaign_id))


@bp.route("/classes/<int:class_id>/campaigns/<int:campaign_id>")
@login_required
def class_campaign(class_id, campaign_id):
    return _class_campaign_page(class_id, campaign_id)


@bp.route("/classes/<int:class_id>/campaigns/<int:campaign_id>/report", methods=["POST"])
@login_required
def class_report(class_id, campaign_id):
    """Record a class activity (the class meeting 主题班会, the letter handed out …) with its evidence."""
    user = current_user()
    campaign, school_class = classwork.class_campaign(user, campaign_id, class_id)
    try:
        activity = report_from_form(user, school_class.school, campaign, class_id=school_class.id)
    except ApiError as error:
        db.session.rollback()
        return _class_campaign_page(class_id, campaign_id, error=error, status=error.status)
    flash(_("Recorded: %(what)s.", what=localised(activity.requirement)), "ok")
    return redirect(url_for("pages.class_campaign", class_id=class_id, campaign_id=campaign_id), 303)


@bp.route("/classes/<int:class_id>/campaigns/<int:campaign_id>/paper-receipts", methods=["POST"])
@login_required
def class_paper_receipts(class_id, campaign_id):
    """The signed paper slips collected so far (the number replaces the last one)."""
    user = current_user()
    campaign, school_class = classwork.class_campaign(user, campaign_id, class_id)
    try:
        data = forms.load(PaperReceiptsIn, {"count": forms.text("count")})
        letter = receipts.get_letter(user, campaign, school_class.id, Capability.manage)
        receipts.set_paper_receipts(user, letter, data["count"])
    except ApiError as error:
        db.session.rollback()
        return _class_campaign_page(class_id, campaign_id, error=error, status=error.status)
    flash(_("Saved."), "ok")
    return redirect(url_for("pages.class_campaign", class_id=class_id, campaign_id=campaign_id), 303)


@bp.route("/classes/<int:class_id>/campaigns/<int:campaign_id>/letter.pdf")
@login_required
def class_letter_pdf(class_id, campaign_id):
    """The class's receipt codes to print: one slip per student (default) or one for the whole class."""
    user = current_user()
    campaign, school_class = classwork.class_campaign(user, campaign_id, class_id)
    letter = receipts.get_letter(user, campaign, school_class.id, Capability.manage)
    rows = receipts.school_letters(campaign, letter.school, school_class.id)
    pdf = receipts.letters_pdf(rows, "parent-letter-receipt", per_student=request.args.get("each") != "0")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="receipt-codes-class-{school_class.id}.pdf"',
        "Cache-Control": "no-store"})


@bp.route("/classes/<int:class_id>/roster", methods=["GET", "POST"])
@login_required
def class_roster(class_id):
    """The class's roster: pasted from a spreadsheet, one student a line (学号 姓名, or only the name)."""
    user = current_user()
    error, status = None, 200
    if request.method == "POST":
        try:
            rosters.replace_roster(user, class_id, rosters.parse_roster(request.form.get("roster") or ""))
            flash(_("Saved."), "ok")
            return redirect(url_for("pages.class_roster", class_id=class_id), 303)
        except ApiError as problem:
            db.session.rollback()
            error, status = problem, problem.status
    school_class, entries = rosters.roster_of(user, class_id)
    text = request.form.get("roster") if error else "\n".join(
        f"{e.student_no} {e.name}" if e.student_no else e.name for e in entries)
    return render_template("pages/class_roster.html", school_class=school_class, label=receipts.class_label,
                           entries=entries, text=text, error=error, phone=True), status
