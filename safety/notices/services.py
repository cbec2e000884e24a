"""Issuing rectification notices (numbered per office and year), recording the school's receipt, and what the
rectification report (整改回复) needs: every problem of the notice rectified."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..accounts.scope import Capability, require_in_scope, require_school, school_ids
from ..audit.services import record
from ..core.clock import now
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..hazards.labels import filed_time
from ..hazards.models import Hazard, HazardStatus
from ..inspections.services import found_hazards, get_inspection
from ..schools.models import Region, School
from ..signatures.models import SignedSubject, SignerRole
from ..signatures.services import capture
from .models import Notice, NoticeItem
from .render import DEFAULT_REQUIREMENT

NUMBERING_ATTEMPTS = 5  # two offices' clerks issuing at the same moment take the next numbers in turn
RECTIFIED = (HazardStatus.awaiting_verification, HazardStatus.closed)



def visible_notices(actor: User, filters: dict) -> Select:
    query = select(Notice).where(Notice.school_id.in_(school_ids(actor)))
    for name in ("school_id", "inspection_id", "year"):
        if (value := filters.get(name)) is not None:
            query = query.where(getattr(Notice, name) == value)
    if (received := filters.get("received")) is not None:
        query = query.where(Notice.received_at.is_not(None) if received else Notice.received_at.is_(None))
    return query.order_by(Notice.issued_at.desc(), Notice.id.desc())


def get_notice(actor: User, notice_id: int) -> Notice:
    notice = db.session.scalar(visible_notices(actor, {}).where(Notice.id == notice_id))
    if notice is None:
        raise NotFound()
    return notice


def _hazards_for(actor: User, data: dict) -> tuple[int, list[Hazard], int | None]:
    """(school id, hazards, inspection id) named by the request: one inspection's problems, or chosen hazards."""
    if inspection_id := data.get("inspection_id"):
        inspection = get_inspection(actor, inspection_id)
        if db.session.scalar(select(Notice.id).where(Notice.inspection_id == inspection.id)):
            raise Conflict(_("A notice for this inspection was already issued."), code="already_issued")
        found = [h for h in found_hazards(inspection) if h.status != HazardStatus.dismissed]
        return inspection.school_id, found, inspection.id
    school = require_school(actor, data["school_id"])
    ids = list(dict.fromkeys(data["hazard_ids"]))
    found = list(db.session.scalars(select(Hazard).where(Hazard.id.in_(ids), Hazard.school_id == school.id)
                                    .order_by(Hazard.id)))
    if missing := [index for index, hid in enumerate(ids) if hid not in {h.id for h in found}]:
        raise Invalid(fields={f"hazard_ids.{i}": [_("No hazard of this school has this id.")] for i in missing})
    return school.id, found, None


def issuing_office(actor: User, school: School) -> Region:
    """The office the actor acts for at this school: its nearest office region above the school, else (an admin)
    the school's own district."""
    offices = [a.region for a in actor.roles if a.role == Role.safety_office and a.region_id
               and school.region.path.startswith(a.region.path)]
    return max(offices, key=lambda region: len(region.path)) if offices else school.region


def issue(actor: User, data: dict) -> Notice:
    """An office issues a notice for one school; it is numbered in its office's sequence for the year."""
    school_id, hazards, inspection_id = _hazards_for(actor, data)
    require_in_scope(actor, school_id, Capability.oversee)
    if not hazards:
        raise Conflict(_("There is no problem to notify: the inspection found no hazard."), code="nothing_to_notify")
    school = db.session.get(School, school_id)
    office, issued_at = issuing_office(actor, school), now()
    year = int(filed_time(issued_at)[:4])  # the office's year, in local time
    inspectors = data.get("inspectors") or _inspector_names(actor, hazards)
    for _attempt in range(NUMBERING_ATTEMPTS):
        number = 1 + (db.session.scalar(select(func.max(Notice.number)).where(Notice.office_id == office.id,
                                                                              Notice.year == year)) or 0)
        notice = Notice(school_id=school_id, office_id=office.id, year=year, number=number,
                        inspection_id=inspection_id, issued_by_id=actor.id, issued_at=issued_at,
                        inspectors=inspectors, requirement=data.get("requirement") or DEFAULT_REQUIREMENT)
        notice.items = [NoticeItem(hazard_id=h.id, position=i, deadline=h.deadline) for i, h in enumerate(hazards, 1)]
        try:
            with db.session.begin_nested():
                db.session.add(notice)
            break
        except IntegrityError:
            continue
    else:
        raise Conflict(_("Too many notices issued at once; try again."), code="numbering_busy")
    record("notice.issued", actor, object_type="notice", object_id=notice.id, school_id=school_id,
           region_id=office.id, reference=notice.reference, hazards=[h.id for h in hazards])
    return notice


def _inspector_names(actor: User, hazards: list[Hazard]) -> str:
    reporters = db.session.scalars(select(User.display_name).where(User.id.in_(
        {h.reporter_id for h in hazards if h.reporter_id})).order_by(User.display_name))
    return "、".join(dict.fromkeys([*reporters, actor.display_name]))


def record_receipt(actor: User, notice: Notice, data: dict, signature: bytes | None) -> Notice:
    """The school signs for the notice (回执) once: who received it, when, optionally signed on the pad."""
    require_in_scope(actor, notice.school_id, Capability.manage)
    if notice.received_at is not None:
        raise Conflict(_("The receipt of this notice is already recorded."), code="already_received")
    received_at = data.get("received_at") or now()
    if received_at > now() or received_at < notice.issued_at:
        raise Invalid(fields={"received_at": [_("The receipt must be dated between the issue and now.")]})
    if signature is not None:
        capture(actor, SignedSubject.notice, notice.id, notice.school_id, SignerRole.receiver, data["received_by"],
                signature)
    notice.received_at, notice.received_by = received_at, data["received_by"]
    notice.receipt_recorded_by_id, notice.receipt_note = actor.id, data.get("note", "")
    record("notice.received", actor, object_type="notice", object_id=notice.id, school_id=notice.school_id,
           received_by=notice.received_by)
    return notice


def require_rectified(notice: Notice) -> None:
    """The rectification report is written once every problem of the notice is rectified (or closed)."""
    waiting = [item.hazard.id for item in notice.items if item.hazard.status not in RECTIFIED]
    if waiting:
        raise Conflict(_("Not every problem of this notice is rectified yet: %(ids)s.",
                         ids=", ".join(f"H{hid:06d}" for hid in waiting)), code="not_rectified")
