"""One hazard: its photos and history, and the forms that move it (school's and office's actions alike).

Each form is read with the API's input schema and handed to the same service function the API calls, with
the logged-in user as actor: the same scoping (another school's hazard is a 404), the same 403/409/422.
A refused action shows the hazard again with the reason, under the error's own status code.
"""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import RoleAssignment, User
from ..accounts.scope import Capability, may
from ..checklists.models import Grade
from ..core.clock import now
from ..errors import ApiError, NotFound
from ..escalations import services as escalations
from ..escalations.policy import policy as escalation_policy
from ..escalations.schemas import EscalationActionIn
from ..extensions import db
from ..hazards import services as hazards
from ..hazards.models import Hazard, HazardStatus
from ..hazards.policy import LIFECYCLE
from ..hazards.schemas import AssignIn, DismissIn, FiveFixedIn, NoteIn, RectifyIn, ReopenIn, VerifyIn
from ..hazards.verifiers import verifiers
from ..notices import render as notice_render
from . import forms, names
from .auth import safe_next
from .blueprint import bp
from .session import current_user, login_required


def abilities(user: User, hazard: Hazard) -> dict[str, bool]:
    """Which forms to offer; the services decide again when a form is sent."""
    manage = may(user, Capability.manage, hazard.school_id)
    oversee = may(user, Capability.oversee, hazard.school_id)
    works_on_it = manage or hazard.assignee_id == user.id
    verifier = oversee if hazards.verifier_capability(hazard) == Capability.oversee else manage

    def allowed(action: str) -> bool:
        return LIFECYCLE.allows(hazard.status, action)

    return {
        "assign": manage and allowed("assign"),
        "start": works_on_it and allowed("start"),
        # Once rectified and awaiting verification, the plan is history: shown, not editable.
        "five_fixed": works_on_it and hazard.is_open and hazard.grade == Grade.major
        and hazard.status != HazardStatus.awaiting_verification,
        "rectify": works_on_it and allowed("rectify"),
        "verify": verifier and allowed("accept") and hazard.rectifier_id != user.id,
        "dismiss": manage and allowed("dismiss"),
        "reopen": verifier and allowed("reopen"),
        "office": oversee and hazard.is_open and escalations.acts_at_its_level(user, hazard),
        "comment": oversee and hazard.is_open,
    }


def assignees(hazard: Hazard) -> list[User]:
    """People with a role at the hazard's own school (its principal and safety officers)."""
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.school_id == hazard.school_id, User.active.is_(True))
        .distinct().order_by(User.display_name)))


@bp.route("/hazards/<int:hazard_id>")
@login_required
def hazard_page(hazard_id, error: ApiError | None = None, status: int = 200):
    user = current_user()
    hazard = hazards.present(hazards.get_hazard(user, hazard_id))
    rules = escalation_policy()
    return render_template(
        "pages/hazard.html", hazard=hazard, school=hazard.school, can=abilities(user, hazard),
        verifiers=verifiers(hazard),
        assignees=assignees(hazard), error=error, form=request.form, moment=now(),
        extend_dates=_extend_dates(hazard, rules["max_extension_days"]),
        max_extension_days=rules["max_extension_days"], extensions_left=rules["max_extensions"] - hazard.extensions,
        back=safe_next(request.values.get("next"))), status


def _extend_dates(hazard: Hazard, max_days: int) -> dict[str, str]:
    """The days an extension may pick (the end of the picked day must fit the service's bounds)."""
    current = hazard.deadline or now()
    latest = forms.local_input_value(current + timedelta(days=max_days), -1)
    return {"min": forms.local_input_value(current, 1), "max": latest,
            "default": min(forms.local_input_value(current, 7), latest)}


@bp.route("/hazards/<int:hazard_id>/notice.pdf")
@login_required
def hazard_notice(hazard_id):
    """整改通知书: the rectification notice, as the API renders it."""
    return notice_render.notice_response(hazards.get_hazard(current_user(), hazard_id))


# --- the actions ----------------------------------------------------------------------------------------

def _assign(user, hazard):
    fields = {"assignee_id": forms.text("assignee_id") or None, "note": forms.text("note"),
              "deadline": forms.end_of_local_day("rectify_by")}
    data = forms.load(AssignIn, {k: v for k, v in fields.items() if v is not None})
    hazards.assign(user, hazard, hazards.assignee(data["assignee_id"]), data["note"], data.get("deadline"))


def _plan() -> dict:
    return {"measures": forms.text("measures"), "responsible_person": forms.text("responsible_person"),
            "funding": forms.text("funding"), "deadline": forms.end_of_local_day("plan_deadline"),
            "contingency_plan": forms.text("contingency_plan"),
            **hazards.ledger_of({"interim_measures": forms.text("interim_measures")})}


def _five_fixed(user, hazard):
    plan = forms.load(FiveFixedIn, _plan())
    if hazard.deadline and forms.local_input_value(plan["deadline"]) == forms.local_input_value(hazard.deadline):
        plan["deadline"] = min(plan["deadline"], hazard.deadline)  # "by the deadline's day": by the deadline
    hazards.record_five_fixed(user, hazard, plan)


def _start(user, hazard):
    hazards.start(user, hazard, forms.load(NoteIn, {"note": forms.text("note")})["note"])


def _rectify(user, hazard):
    fields = {"note": forms.text("note"), **hazards.ledger_of({n: forms.text(n) for n in hazards.LEDGER_FIELDS})}
    forms.load(RectifyIn, fields, partial=("photos",))  # the fields first: no upload for a form in vain
    data = forms.load(RectifyIn, {**fields, "photos": forms.uploaded_photos(user)})
    hazards.rectify(user, hazard, data["note"], data["photos"], hazards.ledger_of(data))


def _verify(user, hazard):
    data = forms.load(VerifyIn, {"accepted": request.form.get("accepted"), "note": forms.text("note")})
    hazards.verify(user, hazard, data["accepted"], data["note"])


def _dismiss(user, hazard):
    hazards.dismiss(user, hazard, forms.load(DismissIn, {"reason": forms.text("reason")})["reason"])


def _reopen(user, hazard):
    hazards.reopen(user, hazard, forms.load(ReopenIn, {"reason": forms.text("reason")})["reason"])


def _office(action: str):
    """The office's escalation actions, read with the API's EscalationActionIn."""
    def act(user, hazard):
        raw = {"action": action, "note": forms.text("note")}
        if action in ("extend", "supervise"):
            raw.update(reason=forms.text("reason") or None)
        if action == "extend":
            raw.update(deadline=forms.end_of_local_day("deadline"))
        if action == "supervise":
            raw.update(plan=_plan(), supervisor=forms.text("supervisor") or None)
        escalations.act(user, hazard, forms.load(EscalationActionIn, {k: v for k, v in raw.items() if v is not None}))
    return act


ACTIONS = {"assign": _assign, "five-fixed": _five_fixed, "start": _start, "rectify": _rectify, "verify": _verify,
           "dismiss": _dismiss, "reopen": _reopen,
           **{name: _office(name) for name in ("acknowledge", "extend", "supervise", "comment")}}


@bp.route("/hazards/<int:hazard_id>/<string:action>", methods=["POST"])
@login_required
def hazard_action(hazard_id, action):
    if action not in ACTIONS:
        raise NotFound()
    user = current_user()
    hazard = hazards.get_hazard(user, hazard_id)  # 404 before the form is even read
    before = hazard.status
    try:
        ACTIONS[action](user, hazard)
    except ApiError as error:
        db.session.rollback()
        return hazard_page(hazard_id, error=error, status=error.status)
    if hazard.status != before:
        flash(_("Saved: the hazard is now “%(status)s”.", status=names.status(hazard.status)), "ok")
    else:
        flash(_("Saved."), "ok")
    return redirect(safe_next(request.form.get("next")) or url_for("pages.hazard_page", hazard_id=hazard.id), 303)
