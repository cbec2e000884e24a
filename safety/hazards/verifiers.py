"""Who will verify a hazard's rectification, named on its page before anyone asks (the rule is `verify`'s):
a general hazard at school level: the school's principal; a major or escalated one: the safety offices above
the school. Never the person who rectified it."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Role, User
from ..accounts.scope import people_at_schools
from ..checklists.models import Grade
from ..extensions import db
from .models import Hazard


def verifiers(hazard: Hazard) -> list[User]:
    office = hazard.grade == Grade.major or hazard.level > 0
    people = people_at_schools(Role.safety_office if office else Role.principal, through_regions=office).subquery()
    query = select(User).join(people, people.c.user_id == User.id).where(people.c.school_id == hazard.school_id)
    if hazard.rectifier_id is not None:
        query = query.where(User.id != hazard.rectifier_id)
    return list(db.session.scalars(query.distinct().order_by(User.display_name, User.id)))
