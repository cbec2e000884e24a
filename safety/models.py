"""Imports every model module so the metadata is complete (for Alembic and `create_all` in tests)."""
from .accounts.models import ApiToken, RoleAssignment, User
from .audit.models import AuditEvent
from .checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from .core.ratelimit import RateLimitHit
from .drills.models import CalendarPeriod, Drill
from .hazards.models import Hazard, HazardEvent
from .inspections.models import Inspection, InspectionResult
from .notifications.models import Notification
from .photos.models import Photo, PhotoUse
from .points.models import Point
from .scheduler.models import JobLease, JobRun
from .schools.models import Region, School, SchoolClass

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CalendarPeriod",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistVersion",
    "Drill",
    "Hazard",
    "HazardEvent",
    "Inspection",
    "InspectionResult",
    "JobLease",
    "JobRun",
    "Notification",
    "Photo",
    "PhotoUse",
    "Point",
    "RateLimitHit",
    "Region",
    "RoleAssignment",
    "School",
    "SchoolClass",
    "User",
]
