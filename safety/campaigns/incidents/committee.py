"""The school's anti-bullying committee (学生欺凌治理委员会) on record, and whether its composition is complete."""
from __future__ import annotations

from sqlalchemy import select

from ...accounts.models import User
from ...accounts.scope import Capability, require_in_scope, school_ids
from ...audit.services import record
from ...core.clock import now
from ...errors import NotFound
from ...extensions import db
from ...schools.models import School
from ..models import CommitteeMember, CommitteeRole, CommitteeSeat
from .rules import log_rules

CODE = "anti_bullying"  # the campaign whose rules.toml table describes the committee


def committee(school: School) -> list[CommitteeMember]:
    return list(db.session.scalars(select(CommitteeMember).where(
        CommitteeMember.school_id == school.id, CommitteeMember.removed_at.is_(None))
        .order_by(CommitteeMember.role, CommitteeMember.id)))


def add_member(actor: User, school: School, data: dict) -> CommitteeMember:
    require_in_scope(actor, school.id, Capability.manage)
    member = CommitteeMember(school_id=school.id, name=data["name"], role=data["role"],
                             seat=data.get("seat", CommitteeSeat.staff), position=data.get("position", ""),
                             created_at=now())
    db.session.add(member)
    db.session.flush()
    record("bullying_committee.member_added", actor, object_type="committee_member", object_id=member.id,
           school_id=school.id, role=member.role.value, seat=member.seat.value)
    return member


def get_member(actor: User, member_id: int) -> CommitteeMember:
    member = db.session.scalar(select(CommitteeMember).where(
        CommitteeMember.id == member_id, CommitteeMember.removed_at.is_(None),
        CommitteeMember.school_id.in_(school_ids(actor))))
    if member is None:
        raise NotFound()
    return member


def remove_member(actor: User, member: CommitteeMember) -> None:
    """Members leave the committee but stay on record (a past term's committee is still known)."""
    require_in_scope(actor, member.school_id, Capability.manage)
    member.removed_at = now()
    record("bullying_committee.member_removed", actor, object_type="committee_member", object_id=member.id,
           school_id=member.school_id)




def composition(school: School) -> dict:
    """Whether the current members make a complete committee (rules.toml [anti_bullying.committee]): a chair
    from `chair_seat`, a member from each group of `seats`, and a student for the school types that need one."""
    rules = log_rules(CODE, school).committee
    members = committee(school)
    seats = {m.seat.value for m in members}
    missing = []
    if not any(m.role == CommitteeRole.chair and m.seat.value == rules["chair_seat"] for m in members):
        missing.append(f"chair:{rules['chair_seat']}")
    missing += ["|".join(group) for group in rules["seats"] if not seats & set(group)]
    if school.type.value in rules["student_seat_for"] and CommitteeSeat.student.value not in seats:
        missing.append(CommitteeSeat.student.value)
    return {"school_id": school.id, "complete": not missing, "missing": missing, "members": len(members)}
