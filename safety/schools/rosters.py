"""Class rosters (花名册): the students of a class, imported by the school, read only inside it.

A roster is optional. With one, a class teacher sees whose parents have confirmed the letter and whose have
not; without one, only how many have. It is replaced as a whole on each import (a new term, a new list), and it
is never shown outside the school: `class_ids` leaves offices out.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.models import User
from ..accounts.scope import require_class
from ..audit.services import record
from ..errors import Invalid
from ..extensions import db
from .models import RosterEntry, SchoolClass

MAX_STUDENTS = 120
_NUMBER_AND_NAME = re.compile(r"^\s*([0-9A-Za-z\-]{1,32})[\s,，、\t]+(.+?)\s*$")


def parse_roster(text: str) -> list[dict]:
    """One student a line, "姓名" or "学号 姓名" (a comma, a tab or spaces between, as spreadsheets paste)."""
    rows, problems = [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _NUMBER_AND_NAME.match(line)
        student_no, name = (match.group(1), match.group(2)) if match else ("", line.strip())
        if len(name) > 64:
            problems[f"roster.{number}"] = [_("A name is at most 64 characters.")]
        rows.append({"student_no": student_no, "name": name})
    if len(rows) > MAX_STUDENTS:
        problems["roster"] = [_("At most %(n)s students in a class.", n=MAX_STUDENTS)]
    if problems:
        raise Invalid(fields=problems)
    return rows


def roster_of(actor: User, class_id: int) -> tuple[SchoolClass, list[RosterEntry]]:
    """A class and its roster, for its class teacher and its school's principal (anyone else: 404)."""
    school_class = require_class(actor, class_id)
    entries = db.session.scalars(select(RosterEntry).where(RosterEntry.class_id == school_class.id)
                                 .order_by(RosterEntry.position)).all()
    return school_class, list(entries)


def replace_roster(actor: User, class_id: int, students: list[dict]) -> list[RosterEntry]:
    """The class's roster becomes these students, in this order (an empty list removes it)."""
    school_class = require_class(actor, class_id)
    for index, student in enumerate(students):
        if not student.get("name", "").strip():
            raise Invalid(fields={f"students.{index}.name": [_("Enter the student's name.")]})
    db.session.execute(delete(RosterEntry).where(RosterEntry.class_id == school_class.id))
    entries = [RosterEntry(class_id=school_class.id, position=position, name=student["name"].strip()[:64],
                           student_no=(student.get("student_no") or "").strip()[:32])
               for position, student in enumerate(students)]
    db.session.add_all(entries)
    db.session.flush()
    # The names themselves stay out of the audit trail, which offices read.
    record("school_class.roster_replaced", actor, object_type="school_class", object_id=school_class.id,
           school_id=school_class.school_id, students=len(entries))
    return entries
