"""Rounds: scoped reads with progress, today's rounds of the person walking them, and the named duty persons."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, select, update

from ..accounts.models import User
from ..accounts.scope import Capability, may, require_school, school_ids
from ..audit.services import record
from ..core.clock import now
from ..errors import Invalid, NotFound
from ..extensions import db
from ..schools.models import School
from .coverage import points_of, progress
from .kinds import current_rules, local_day, local_moment
from .models import Round, RoundDuty, RoundStatus


def visible_rounds(actor: User, filters: dict) -> Select:
    """Rounds of the schools the actor can see, the latest window first."""
    query = select(Round).where(Round.school_id.in_(school_ids(actor)))
    if school_id := filters.get("school_id"):
        query = query.where(Round.school_id == require_school(actor, school_id).id)
    if kinds := filters.get("kind"):
        query = query.where(Round.kind.in_(kinds))
    if statuses := filters.get("status"):
        query = query.where(Round.status.in_(statuses))
    if filters.get("escalated") is not None:
        query = query.where(Round.escalated_at.is_not(None) if filters["escalated"] else Round.escalated_at.is_(None))
    rules = current_rules()
    if since := filters.get("since"):
        query = query.where(Round.window_end > local_moment(rules, since))
    if until := filters.get("until"):
        query = query.where(Round.window_start < local_moment(rules, until + timedelta(days=1)))
    return query.order_by(Round.window_start.desc(), Round.school_id, Round.kind, Round.id)


def todays_rounds(actor: User) -> list[Round]:
    """The rounds the actor walks whose window is open now or opens later today (tonight's patrol), in start
    order; launched checks the actor is responsible for while they run."""
    rules = current_rules()
    moment = now()
    tomorrow = local_moment(rules, local_day(rules, moment) + timedelta(days=1))
    rounds = db.session.scalars(
        select(Round).where(Round.responsible_id == actor.id,
                            Round.school_id.in_(school_ids(actor, Capability.inspect)),
                            Round.window_start < tomorrow, Round.window_end > moment)
        .order_by(Round.window_start, Round.kind, Round.id)).all()
    return present_all(rounds)


def get_round(actor: User, round_id: int) -> Round:
    """One round through the actor's scope (another school's is a 404)."""
    found = db.session.scalar(select(Round).where(Round.id == round_id, Round.school_id.in_(school_ids(actor))))
    if found is None:
        raise NotFound()
    return found


def present_all(rounds: list[Round]) -> list[Round]:
    """Attach progress and the kind's entry for dumping (one query for all)."""
    figures = progress(r.id for r in rounds)
    kinds = current_rules().kinds
    for found in rounds:
        found.points_covered, found.points_inspected = figures.get(found.id, (0, 0))
        found.spec = kinds.get(found.kind)
    return rounds


def present(found: Round) -> Round:
    """A round with its points in walking order and whether each was inspected in the window."""
    present_all([found])
    found.points = [{"point": point, "inspected_at": at, "done": at is not None} for point, at in points_of(found)]
    return found


def set_duty(actor: User, school: School, kind: str, user_id: int) -> RoundDuty:
    """A school names the person who walks a kind of round (someone who may inspect at the school); rounds created
    from now on are theirs."""
    require_school(actor, school.id, Capability.manage)
    if kind not in current_rules().kinds:
        raise Invalid(fields={"kind": [_("No such kind of round.")]})
    person = db.session.get(User, user_id)
    if person is None or not person.active or not may(person, Capability.inspect, school.id):
        raise Invalid(fields={"user_id": [_("Name someone who may inspect at this school.")]})
    duty = db.session.scalar(select(RoundDuty).where(RoundDuty.school_id == school.id, RoundDuty.kind == kind))
    before = duty.user_id if duty else None
    if duty is None:
        duty = RoundDuty(school_id=school.id, kind=kind, user_id=person.id)
        db.session.add(duty)
    duty.user_id, duty.named_by_id, duty.named_at = person.id, actor.id, now()
    _hand_over_open_rounds(school.id, kind, person.id)
    db.session.flush()
    record("round.duty_named", actor, object_type="school", object_id=school.id, school_id=school.id, kind=kind,
           before=before, after=person.id)
    return duty


def _hand_over_open_rounds(school_id: int, kind: str, user_id: int) -> None:
    """Rounds still running pass to the newly named person, so today's patrol is not orphaned."""
    db.session.execute(update(Round).where(Round.school_id == school_id, Round.kind == kind,
                                           Round.status == RoundStatus.open, Round.check_id.is_(None))
                       .values(responsible_id=user_id).execution_options(synchronize_session=False))


def duties(actor: User, school: School) -> list[RoundDuty]:
    require_school(actor, school.id)
    return list(db.session.scalars(select(RoundDuty).where(RoundDuty.school_id == school.id)
                                   .order_by(RoundDuty.kind)))
