"""Writing and reading the audit trail."""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import Select, or_, select

from ..accounts.models import User
from ..accounts.scope import Capability, is_admin, region_ids, school_ids
from ..extensions import db
from .models import AuditEvent


def client_ip() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def record(action: str, actor: User | None = None, *, object_type: str = "", object_id=None,
           school_id: int | None = None, region_id: int | None = None, **details) -> AuditEvent:
    """Append one audit row in the caller's transaction (it commits or rolls back with the change)."""
    event = AuditEvent(action=action, actor_id=actor.id if actor else None, object_type=object_type,
                       object_id="" if object_id is None else str(object_id), school_id=school_id,
                       region_id=region_id, ip=client_ip(), details=details)
    db.session.add(event)
    return event


def visible_events(actor: User, filters: dict) -> Select:
    """Admins see everything; offices see events about schools and regions in their scope."""
    query = select(AuditEvent)
    if not is_admin(actor):
        query = query.where(or_(AuditEvent.school_id.in_(school_ids(actor, Capability.oversee)),
                                AuditEvent.region_id.in_(region_ids(actor, Capability.oversee))))
    if action := filters.get("action"):
        query = query.where(AuditEvent.action == action)
    if school_id := filters.get("school_id"):
        query = query.where(AuditEvent.school_id == school_id)
    if since := filters.get("since"):
        query = query.where(AuditEvent.at >= since)
    if until := filters.get("until"):
        query = query.where(AuditEvent.at < until)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
