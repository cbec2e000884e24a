"""Campaign runs and their school tasks, read in the actor's scope."""
from __future__ import annotations

from sqlalchemy import Select, case, literal, select
from sqlalchemy.orm import joinedload

from ...accounts.models import User
from ...accounts.scope import Capability, class_ids, region_ids, require_school, school_ids
from ...errors import NotFound
from ...extensions import db
from ...schools.models import Region, School
from ...schools.services import get_region, school_ids_in_visible_region
from ..models import (
    ActivityRequirement,
    Campaign,
    CampaignDefinition,
    CampaignStatus,
    CampaignTask,
    TaskStatus,
)

REPORTABLE = (TaskStatus.open, TaskStatus.overdue, TaskStatus.done)  # done: more evidence, a second meeting …

# --- reading --------------------------------------------------------------------------------------------


def visible_campaigns(actor: User, filters: dict) -> Select:
    """Runs the actor's schools take part in (anchored at or above their region) or anchored in their region."""
    school_region = db.aliased(Region)
    seen = School.id.in_(school_ids(actor)) | School.id.in_(school_ids(actor, Capability.teach))  # class teachers
    above_seen_schools = select(Region.id).join(school_region, school_region.path.startswith(Region.path)) \
        .join(School, School.region_id == school_region.id).where(seen)
    query = select(Campaign).where(Campaign.region_id.in_(above_seen_schools)
                                   | Campaign.region_id.in_(region_ids(actor)))
    if status := filters.get("status"):
        query = query.where(Campaign.status == status)
    if code := filters.get("code"):
        query = query.where(Campaign.definition_id.in_(select(CampaignDefinition.id)
                                                       .where(CampaignDefinition.code == code)))
    if region_id := filters.get("region_id"):
        region = get_region(actor, region_id)
        above = select(Region.id).where(literal(region.path).startswith(Region.path))
        below = select(Region.id).where(Region.path.startswith(region.path, autoescape=True))
        query = query.where(Campaign.region_id.in_(above) | Campaign.region_id.in_(below))
    open_first = case((Campaign.status == CampaignStatus.open, 0), else_=1)
    return query.order_by(open_first, Campaign.starts_on.desc(), Campaign.id)


def get_campaign(actor: User, campaign_id: int) -> Campaign:
    campaign = db.session.scalar(visible_campaigns(actor, {}).where(Campaign.id == campaign_id))
    if campaign is None:
        raise NotFound()
    return campaign


def scoped_schools(actor: User, filters: dict, capability: Capability = Capability.view) -> Select:
    """School ids the actor may read with a capability, narrowed to one school or one region."""
    schools = school_ids(actor, capability)
    if school_id := filters.get("school_id"):
        schools = select(require_school(actor, school_id, capability).id)
    if region_id := filters.get("region_id"):
        schools = schools.where(School.id.in_(school_ids_in_visible_region(actor, region_id)))
    return schools


def visible_tasks(actor: User, campaign: Campaign, filters: dict) -> Select:
    query = select(CampaignTask).where(CampaignTask.campaign_id == campaign.id,
                                       CampaignTask.school_id.in_(scoped_schools(actor, filters))
                                       | CampaignTask.class_id.in_(class_ids(actor)))
    if class_id := filters.get("class_id"):
        query = query.where(CampaignTask.class_id == class_id)
    if key := filters.get("activity"):
        query = query.where(CampaignTask.requirement.has(ActivityRequirement.key == key))
    if statuses := filters.get("status"):
        query = query.where(CampaignTask.status.in_(statuses))
    return query.options(joinedload(CampaignTask.school_class)) \
        .order_by(CampaignTask.school_id, CampaignTask.due_at, CampaignTask.requirement_id, CampaignTask.id)
