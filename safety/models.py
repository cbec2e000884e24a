"""Imports every model module so the metadata is complete (for Alembic and `create_all` in tests)."""
from .accounts.models import ApiToken, RoleAssignment, User
from .audit.models import AuditEvent
from .campaigns.models import (
    ActivityRequirement,
    BullyingIncident,
    Campaign,
    CampaignActivity,
    CampaignDefinition,
    CampaignLag,
    CampaignTask,
    ClassLetter,
    CommitteeMember,
    IncidentEvent,
    ParentReceipt,
    WaterBody,
)
from .checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from .core.ratelimit import RateLimitHit
from .drills.models import CalendarPeriod, Drill
from .hazards.models import Hazard, HazardEvent
from .inspections.models import Inspection, InspectionResult
from .notifications.models import Notification
from .photos.models import Photo, PhotoUse
from .points.models import Point
from .returns.models import DistrictReturn, MonthlyReturn
from .rounds.models import Check, Round, RoundDuty
from .scheduler.models import JobLease, JobRun
from .schools.models import Region, School, SchoolClass

__all__ = [
    "ActivityRequirement",
    "ApiToken",
    "AuditEvent",
    "BullyingIncident",
    "CalendarPeriod",
    "Campaign",
    "CampaignActivity",
    "CampaignDefinition",
    "CampaignLag",
    "CampaignTask",
    "Check",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistVersion",
    "ClassLetter",
    "CommitteeMember",
    "DistrictReturn",
    "Drill",
    "Hazard",
    "HazardEvent",
    "IncidentEvent",
    "Inspection",
    "InspectionResult",
    "JobLease",
    "JobRun",
    "MonthlyReturn",
    "Notification",
    "ParentReceipt",
    "Photo",
    "PhotoUse",
    "Point",
    "RateLimitHit",
    "Region",
    "RoleAssignment",
    "Round",
    "RoundDuty",
    "School",
    "SchoolClass",
    "User",
    "WaterBody",
]
