"""A class's campaign work, as its class teacher (班主任) does it: the class's tasks in open campaigns, and its
parent letter with who has confirmed it (checked against the class's roster, when the school imported one)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.scope import Capability, class_ids, require_class, school_ids
from ..errors import NotFound
from ..extensions import db
from ..schools.models import RosterEntry, SchoolClass
from ..schools.rosters import roster_of
from .letters.receipts import child_key, get_letter, receipts_of, school_letters
from .models import Campaign, CampaignStatus, CampaignTask, ClassLetter, TaskStatus

OPEN_WORK = (TaskStatus.open, TaskStatus.overdue, TaskStatus.done)


def class_tasks(actor: User, class_id: int | None = None) -> list[CampaignTask]:
    """Tasks of the actor's classes (or one of them) in open campaigns: still owed first, then the done ones."""
    query = select(CampaignTask).join(Campaign, Campaign.id == CampaignTask.campaign_id) \
        .where(CampaignTask.class_id.in_(class_ids(actor)), Campaign.status == CampaignStatus.open,
               CampaignTask.status.in_(OPEN_WORK)) \
        .options(joinedload(CampaignTask.school_class), joinedload(CampaignTask.campaign))
    if class_id is not None:
        query = query.where(CampaignTask.class_id == require_class(actor, class_id).id)
    tasks = list(db.session.scalars(query))
    tasks.sort(key=lambda t: (t.status == TaskStatus.done, t.status != TaskStatus.overdue, t.due_at, t.id))
    return tasks


def get_task(actor: User, task_id: int) -> CampaignTask:
    """A task of one of the actor's classes, or of a school they see; anyone else's is 404."""
    task = db.session.scalar(select(CampaignTask).where(CampaignTask.id == task_id, or_(
        CampaignTask.class_id.in_(class_ids(actor)), CampaignTask.school_id.in_(school_ids(actor)))))
    if task is None:
        raise NotFound()
    return task


def my_classes(actor: User) -> list[SchoolClass]:
    return list(db.session.scalars(select(SchoolClass).where(SchoolClass.id.in_(class_ids(actor)))
                                   .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)))


def class_campaign(actor: User, campaign_id: int, class_id: int) -> tuple[Campaign, SchoolClass]:
    """A campaign as seen from one of the actor's classes: 404 unless the class owes something in it."""
    school_class = require_class(actor, class_id)
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id, select(CampaignTask.id).where(
        CampaignTask.campaign_id == campaign_id, CampaignTask.class_id == school_class.id).exists()))
    if campaign is None:
        raise NotFound()
    return campaign, school_class


@dataclass
class LetterChecklist:
    """The class's letter: its figures, and per roster student whether a parent confirmed (online)."""

    letter: dict
    students: list[dict] = field(default_factory=list)   # name, student_no, confirmed
    unmatched: list[str] = field(default_factory=list)   # online receipts naming nobody on the roster
    has_roster: bool = False

    @property
    def to_chase(self) -> list[dict]:
        return [s for s in self.students if not s["confirmed"]]


def letter_checklist(actor: User, campaign: Campaign, school_class: SchoolClass) -> LetterChecklist | None:
    """The class's letter and whose parents have confirmed it; None when the campaign has no letter for it."""
    if db.session.scalar(select(ClassLetter.id).where(ClassLetter.campaign_id == campaign.id,
                                                      ClassLetter.class_id == school_class.id)) is None:
        return None
    letter = get_letter(actor, campaign, school_class.id, Capability.manage)
    row = school_letters(campaign, letter.school, school_class.id)[0]
    online = receipts_of(letter)
    _, roster = roster_of(actor, school_class.id)
    checklist = LetterChecklist(letter=row, has_roster=bool(roster))
    if not roster:
        checklist.unmatched = [r.child for r in online]
        return checklist
    keys = {r.child_key: r for r in online}
    matched = set()
    for entry in roster:
        found = [k for k in _keys(entry) if k in keys]
        matched.update(found)
        checklist.students.append({"name": entry.name, "student_no": entry.student_no, "confirmed": bool(found)})
    checklist.unmatched = [r.child for key, r in keys.items() if key not in matched]
    return checklist


def _keys(entry: RosterEntry) -> list[str]:
    """A parent may type the name or the student number: either matches."""
    return [child_key(entry.name)] + ([child_key(entry.student_no)] if entry.student_no else [])
