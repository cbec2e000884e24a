"""Doubts about a report's evidence, for offices to look at: what a script clicking through would leave behind.

- reused_photo:   the same bytes (SHA-256) as evidence of another campaign activity, a hazard or a drill, or used
                  at another school
- similar_photo:  a near-identical picture (perceptual hash within a few bits) as evidence of another activity
                  of the same campaign (a re-saved, cropped or re-compressed copy)
- photo_predates: a photo the server received before the day the activity is said to have taken place
- outside_period: held before the campaign opened or after it ends (outside the term or season)
- late_report:    reported more than the definition's `late_report_days` after it took place

The later report carries the flag; `flag_details` names the earlier activities it shares pictures with.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

from ...core.clock import now
from ...extensions import db
from ...photos.models import Photo, PhotoSubject, PhotoUse
from ...photos.similarity import near, phashes, uses_elsewhere
from ..models import Campaign, CampaignActivity
from ..periods import day_start, local_day

REUSED_IN = "reused_in"  # flag_details: the hazards and drills that name the same photo
REUSED, SIMILAR, PREDATES, OUTSIDE, LATE = "reused_photo", "similar_photo", "photo_predates", "outside_period", \
    "late_report"


def _other_activities(activity: CampaignActivity):
    """Campaign activities other than this one and not further evidence for the same task of the same school."""
    return and_(CampaignActivity.id != activity.id,
                or_(CampaignActivity.task_id != activity.task_id, CampaignActivity.school_id != activity.school_id))


def _uses_by_activities():
    return and_(PhotoUse.subject_type == PhotoSubject.campaign_activity, PhotoUse.subject_id == CampaignActivity.id)


def doubts(activity: CampaignActivity, campaign: Campaign, hashes: list[str]) -> tuple[list[str], dict]:
    flags: list[str] = []
    details: dict[str, list] = {}
    if hashes:
        reused = set(db.session.scalars(
            select(CampaignActivity.id).join(PhotoUse, _uses_by_activities())
            .where(PhotoUse.sha256.in_(hashes), _other_activities(activity))))
        elsewhere = db.session.scalar(select(exists().where(PhotoUse.sha256.in_(hashes),
                                                            PhotoUse.school_id != activity.school_id)))
        other_evidence = [use for use in uses_elsewhere(hashes, PhotoSubject.campaign_activity, activity.id)
                          if use["subject"] != PhotoSubject.campaign_activity]
        if reused or elsewhere or other_evidence:
            flags.append(REUSED)
            details[REUSED] = sorted(reused)
        if other_evidence:
            details[REUSED_IN] = other_evidence
        similar = _similar(activity, campaign, hashes)
        if similar:
            flags.append(SIMILAR)
            details[SIMILAR] = sorted(similar)
        received = db.session.scalar(select(Photo.uploaded_at).where(Photo.sha256.in_(hashes))
                                     .order_by(Photo.uploaded_at).limit(1))
        if received is not None and received < day_start(activity.held_on):
            flags.append(PREDATES)
    if not campaign.starts_on <= activity.held_on <= campaign.ends_on:
        flags.append(OUTSIDE)
    if (local_day(now()) - activity.held_on).days > campaign.definition.late_report_days:
        flags.append(LATE)
    return flags, details


def _similar(activity: CampaignActivity, campaign: Campaign, hashes: list[str]) -> set[int]:
    """Activities of the same campaign whose photos are near-identical to these (identical bytes aside)."""
    mine = phashes(hashes)
    if not mine:
        return set()
    others = db.session.execute(
        select(CampaignActivity.id, Photo.phash).join(PhotoUse, _uses_by_activities())
        .join(Photo, Photo.sha256 == PhotoUse.sha256)
        .where(CampaignActivity.campaign_id == campaign.id, _other_activities(activity),
               PhotoUse.sha256.not_in(hashes))).all()
    return near(mine, others)
