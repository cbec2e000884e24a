"""A training session (培训): staff or parents, per school, with who took part, the class hours (学时), the
trainer and a photo as evidence. Progress shows how many took part and for how many hours."""
from __future__ import annotations

from sqlalchemy import func, select

from ..models import CampaignActivity, TaskUnit
from . import Column, Figures, KindSpec, register

NAME = "training"


def _per_school(campaign, _as_of):
    return select(CampaignActivity.school_id, func.sum(CampaignActivity.participants).label("trained"),
                  func.sum(CampaignActivity.hours).label("training_hours")) \
        .where(CampaignActivity.campaign_id == campaign.id, CampaignActivity.kind == NAME) \
        .group_by(CampaignActivity.school_id).subquery()


register(KindSpec(
    name=NAME, units=(TaskUnit.school,), counts=("participants", "hours"), texts=("trainer",), photo_required=True,
    figures=Figures(per_school=_per_school, counts=("trained", "training_hours")),
    summary_columns=(Column("培训人次", 9, lambda s: s["trained"]),
                     Column("培训学时", 9, lambda s: s["training_hours"])),
    ledger_columns=(Column("参训人次", 9, lambda r: r.get("participants")),
                    Column("学时", 7, lambda r: r.get("hours"))),
))
