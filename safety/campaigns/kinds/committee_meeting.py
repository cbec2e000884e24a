"""A meeting of the school's anti-bullying committee, with its minutes and a photo; the committee must be on
record (members, one of them its chair) before it can meet. Progress shows which schools have a committee and
which have met."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from ...errors import Conflict
from ...extensions import db
from ...schools.models import School
from ..models import CampaignActivity, CommitteeMember, CommitteeRole, TaskUnit
from . import Column, Figures, KindSpec, count_if, register

NAME = "committee_meeting"
STATUS_ZH = {"none": "未成立", "constituted": "已成立，未开会", "active": "已成立并开会"}


def committee_on_record(school_id: int) -> bool:
    """A committee is on record when it has current members, one of them its chair."""
    return db.session.scalar(select(CommitteeMember.id).where(
        CommitteeMember.school_id == school_id, CommitteeMember.removed_at.is_(None),
        CommitteeMember.role == CommitteeRole.chair).limit(1)) is not None


def _precondition(school_id: int) -> None:
    if not committee_on_record(school_id):
        raise Conflict(_("Record the committee's members, with its chair, before reporting a meeting."),
                       code="no_committee")


def _check(_counts: dict, minutes: str) -> dict:
    return {} if minutes.strip() else {"minutes": [_("A committee meeting needs its minutes.")]}


def _per_school(campaign, _as_of):
    """1 when the school's committee is on record (with a chair), and 1 when it has also met in the campaign."""
    chairs = select(CommitteeMember.school_id, count_if(CommitteeMember.role == CommitteeRole.chair).label("n")) \
        .where(CommitteeMember.removed_at.is_(None)).group_by(CommitteeMember.school_id).subquery()
    meetings = select(CampaignActivity.school_id, func.count().label("n")) \
        .where(CampaignActivity.campaign_id == campaign.id, CampaignActivity.kind == NAME) \
        .group_by(CampaignActivity.school_id).subquery()
    on_record = chairs.c.n > 0
    return select(School.id.label("school_id"), case((on_record, 1), else_=0).label("committees"),
                  case((and_(on_record, meetings.c.n > 0), 1), else_=0).label("committees_met")) \
        .join(chairs, chairs.c.school_id == School.id).outerjoin(meetings, meetings.c.school_id == School.id) \
        .subquery()


def _status(school: dict) -> dict:
    status = "active" if school["committees_met"] else "constituted" if school["committees"] else "none"
    return {"committee_status": status}


register(KindSpec(
    name=NAME, units=(TaskUnit.school,), photo_required=True, minutes=True, check=_check, precondition=_precondition,
    figures=Figures(per_school=_per_school, counts=("committees", "committees_met"), school_fields=_status),
    summary_columns=(Column("防欺凌委员会", 14, lambda s: STATUS_ZH[s["committee_status"]]),),
    ledger_columns=(Column("会议次数", 9, lambda r: r.get("count")),),
))
