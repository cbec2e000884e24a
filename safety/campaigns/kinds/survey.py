"""A survey of all students (问卷调查): how many took part of how many enrolled, as the school reports it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..models import CampaignActivity, TaskUnit
from . import Column, Figures, KindSpec, register

NAME = "survey"


def _check(counts: dict, _minutes: str) -> dict:
    if counts["surveyed"] > counts["enrolled"]:
        return {"counts.surveyed": [_("More students surveyed than enrolled.")]}
    return {}


def _per_school(campaign, _as_of):
    return select(CampaignActivity.school_id, func.sum(CampaignActivity.surveyed).label("surveyed"),
                  func.sum(CampaignActivity.enrolled).label("enrolled")) \
        .where(CampaignActivity.campaign_id == campaign.id, CampaignActivity.kind == NAME) \
        .group_by(CampaignActivity.school_id).subquery()


register(KindSpec(
    name=NAME, units=(TaskUnit.school,), counts=("surveyed", "enrolled"), check=_check,
    figures=Figures(per_school=_per_school, counts=("surveyed", "enrolled"),
                    rates={"survey_coverage": ("surveyed", "enrolled")}),
    summary_columns=(Column("问卷人数", 9, lambda s: s["surveyed"]), Column("在校人数", 9, lambda s: s["enrolled"]),
                     Column("问卷覆盖率%", 11, lambda s: s["survey_coverage"])),
    ledger_columns=(Column("问卷人数", 9, lambda r: r.get("surveyed")),
                    Column("在校人数", 9, lambda r: r.get("enrolled"))),
))
