"""Imports every model module so the metadata is complete (for Alembic and `create_all` in tests)."""
from .accounts.models import ApiToken, RoleAssignment, User
from .audit.models import AuditEvent
from .campaigns.models import (
    ActivityRequirement,
    Campaign,
    CampaignActivity,
    CampaignDefinition,
    CampaignLag,
    CampaignTask,
    ClassLetter,
    CommitteeMember,
    Incident,
    IncidentEvent,
    ParentReceipt,
    WaterBody,
)
from .checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from .core.ratelimit import RateLimitHit
from .drills.models import CalendarPeriod, Drill
from .hazards.models import Hazard, HazardEvent
from .inspections.models import Inspection, InspectionResult
from .notices.models import Notice, NoticeItem
from .notifications.models import Notification
from .photos.models import Photo, PhotoUse
from .points.models import Point
from .returns.models import DistrictReturn, MonthlyReturn
from .rounds.models import Check, Round, RoundDuty
from .scheduler.models import JobLease, JobRun
from .schools.models import Region, School, SchoolClass
from .signatures.models import Signature
from .students.models import HomeVisit, HomeVisitTask, KeyStudent

__all__ = [
    "ActivityRequirement",
    "ApiToken",
    "AuditEvent",
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
    "HomeVisit",
    "HomeVisitTask",
    "Incident",
    "IncidentEvent",
    "Inspection",
    "InspectionResult",
    "JobLease",
    "JobRun",
    "KeyStudent",
    "MonthlyReturn",
    "Notice",
    "NoticeItem",
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
    "Signature",
    "User",
    "WaterBody",
]
