"""Imports every model module so the metadata is complete (for Alembic and `create_all` in tests)."""
from .accounts.models import ApiToken, RoleAssignment, User
from .audit.models import AuditEvent
from .core.ratelimit import RateLimitHit
from .schools.models import Region, School, SchoolClass

__all__ = ["ApiToken", "AuditEvent", "RateLimitHit", "Region", "RoleAssignment", "School", "SchoolClass", "User"]
