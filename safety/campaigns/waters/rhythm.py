"""The water-body rhythm of the drowning season: water-body points inspected more often while a campaign with
water patrols is open (the points domain writes the override and reschedules)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, case, literal, null, or_, select, true

from ...checklists.models import Category
from ...extensions import db
from ...points.models import FREQUENCY_INTERVAL, Point, interval_days
from ...points.services import set_frequency_override
from ..kinds import water_patrol
from ..models import Campaign, CampaignStatus
from ..periods import calendar_groups, in_holiday, local_day, schools_following


def water_rhythm(as_of: datetime) -> int:
    """In an open season, water-body points are inspected at least as often as the season asks (more often in
    the school calendar's holidays); outside every season the override is cleared. Only changed points are
    rescheduled (by the points domain). A point whose own rhythm is already stricter keeps it."""
    today, groups, covered, changed = local_day(as_of), None, [], set()
    water = Point.category == Category.water_body
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.open,
                                                              Campaign.opens_at <= as_of)).all():
        patrol = next((r for r in campaign.definition.requirements if r.kind == water_patrol.NAME), None)
        if patrol is None:
            continue
        following = schools_following(campaign.definition, campaign.region)
        covered.append(following)
        groups = groups if groups is not None else calendar_groups()
        for group in groups:
            holiday = patrol.holiday_frequency is not None and in_holiday(group.holidays, today)
            target = patrol.holiday_frequency if holiday else patrol.season_frequency
            stricter = case((interval_days(Point.frequency) > FREQUENCY_INTERVAL[target].days,
                             literal(target.value, String)), else_=null())
            changed.update(set_frequency_override(
                and_(water, Point.school_id.in_(following), Point.school_id.in_(group.schools)), stricter))
    outside = ~or_(*(Point.school_id.in_(f) for f in covered)) if covered else true()
    changed.update(set_frequency_override(and_(water, Point.frequency_override.is_not(None), outside), None))
    return len(changed)
