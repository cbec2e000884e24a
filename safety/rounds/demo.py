"""The demo city's rhythms: a named duty person per school, the last school days' rounds (most schools walk
their daily patrol and fire patrol, two do not), a 开学前 check the district launched with some schools late,
and the last months' returns (nil returns, one late, one school still owing last month's)."""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import Role, RoleAssignment, User
from ..checklists.models import Category
from ..core.clock import frozen, now
from ..demo.activity import _answer
from ..extensions import db
from ..inspections.services import submit as submit_inspection
from ..returns import services as returns
from ..returns.jobs import ended_months, open_monthly_returns
from ..returns.models import MonthlyReturn
from ..schools.models import Region, School
from . import checks, services
from .coverage import points_of
from .jobs import close_rounds, create_rounds
from .models import Round, RoundStatus

WALKED = ("daily_patrol", "fire_patrol")  # the kinds diligent schools walk on the last school days
NEGLIGENT = ("XS-HX-XX", "QH-XY-YEY")  # these two do not
UNSUBMITTED, LATE = "QH-12", "XS-ZX-2"  # last month's return still owed; one sent after the due day


def _person(school: School, role: Role) -> User:
    return db.session.scalar(select(User).join(RoleAssignment).where(RoleAssignment.school_id == school.id,
                                                                      RoleAssignment.role == role)
                             .order_by(User.id))


def _name_duties(schools: list[School]) -> None:
    for school in schools:
        principal, officer = _person(school, Role.principal), _person(school, Role.inspector)
        kinds = ["daily_patrol", "fire_patrol"] + (["fire_night_patrol"] if school.boarding else [])
        for kind in kinds:
            services.set_duty(principal, school, kind, officer.id)


def _walk(rng: random.Random, found: Round) -> int:
    """The duty person inspects every point of the round an hour into its window."""
    walked, at = 0, found.window_start + timedelta(hours=8, minutes=30)
    for point, inspected_at in points_of(found):
        if inspected_at is not None:
            continue
        version = point.template.current_version
        at += timedelta(minutes=4)
        with frozen(at):
            submit_inspection(found.responsible, {
                "client_uuid": str(uuid.uuid4()), "point_id": point.id, "template_version_id": version.id,
                "started_at": at - timedelta(minutes=3), "submitted_at": at,
                "results": [_answer(rng, item, found.responsible, False) for item in version.items]})
        walked += 1
    return walked


def _rounds(rng: random.Random, moment) -> str:
    create_rounds(moment)
    walked = 0
    for found in db.session.scalars(select(Round).join(School).where(
            Round.kind.in_(WALKED), Round.window_start < moment - timedelta(hours=12),
            Round.window_start >= moment - timedelta(days=4), School.code.not_in(NEGLIGENT))
            .order_by(Round.id)):
        walked += _walk(rng, found)
    close_rounds(moment)
    done = db.session.scalar(select(db.func.count(Round.id)).where(Round.status == RoundStatus.done))
    return f"rounds: duty persons named; {walked} patrol inspections; {done} rounds done, the rest open or missed"


def _launched_check(rng: random.Random, moment) -> str:
    office = db.session.scalar(select(User).where(User.username == "office.dh"))
    district = db.session.scalar(select(Region).where(Region.code == "LJ-DH"))
    with frozen(moment - timedelta(days=20)):
        check = checks.launch(office, {"region_id": district.id, "kind": "term_start_check",
                                       "categories": [Category.laboratory, Category.dormitory],
                                       "deadline": moment - timedelta(days=6)})
    for part in db.session.scalars(select(Round).where(Round.check_id == check.id).order_by(Round.id)):
        _walk(rng, part)  # schools with laboratories or dormitories check them; the others have none: late
    close_rounds(moment)
    done = checks.completion(office, check).counts
    return (f"launched check: {check.title}, {done['done']} of {done['schools']} schools done "
            f"({done['done_late']} after the deadline), {done['late']} late")


def _returns(moment, schools: list[School]) -> str:
    open_monthly_returns(moment)
    months = ended_months(moment, 3)
    sent = 0
    for month in months:
        for school in schools:
            row = db.session.scalar(select(MonthlyReturn).where(MonthlyReturn.school_id == school.id,
                                                                MonthlyReturn.month == month))
            if row is None or (month == months[-1] and school.code == UNSUBMITTED):
                continue
            late = month == months[-1] and school.code == LATE
            at = row.due_at + timedelta(days=2) if late else row.due_at - timedelta(days=2, hours=3)
            with frozen(min(at, moment)):
                returns.submit(_person(school, Role.principal), school.id, month, "本月安全工作正常开展。")
            sent += 1
    nil = db.session.scalar(select(db.func.count(MonthlyReturn.id)).where(MonthlyReturn.nil_return.is_(True)))
    return f"monthly returns: {sent} submitted for {', '.join(months)} ({nil} nil returns, one late, one owed)"


def build_demo_rounds(progress: Callable[[str], None] = lambda _m: None) -> None:
    rng = random.Random(20261201)
    moment = now()
    schools = list(db.session.scalars(select(School).order_by(School.code)))
    _name_duties(schools)
    progress(_rounds(rng, moment))
    progress(_launched_check(rng, moment))
    progress(_returns(moment, schools))
