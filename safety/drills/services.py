"""Drills: scoped reads, reports (with flags, photos and hazards), compliance figures, school calendars."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, delete, func, select, update
from sqlalchemy.orm import joinedload, undefer

from ..accounts.models import User
from ..accounts.scope import Capability, may, region_ids, require_in_scope, require_school, school_ids
from ..audit.services import record
from ..checklists.models import Category
from ..core.clock import now
from ..errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, UnsupportedMedia
from ..extensions import db
from ..hazards import services as hazards
from ..hazards.models import Hazard, HazardSource
from ..photos.models import PhotoSubject
from ..photos.services import attach_photos, photos_of, resolve_refs
from ..photos.similarity import uses_elsewhere
from ..schools.models import Region, School
from ..schools.services import get_region, school_ids_in_visible_region, visible_regions
from .models import (
    REPORTABLE,
    CalendarKind,
    CalendarPeriod,
    Drill,
    DrillEvacuation,
    DrillImprovement,
    DrillPlan,
    DrillStatus,
    ImprovementAction,
)
from .rules import Period, current_rules, day_start, local_day, slow_evacuation_threshold

SLOW_EVACUATION = "slow_evacuation"  # slower than the threshold for the school's building height
LATE = "late"                        # held after its window closed: not on time
LATE_REPORT = "late_report"          # reported after its window closed (it had gone overdue)
NO_PLAN = "no_plan"                  # no plan (方案) filed before the report
NO_HEAD_COUNT = "no_head_count"      # nobody counted heads (清点人数) after the evacuation
PHASES_SKIPPED = "phases_skipped"    # a phase of the kind (G2025's for earthquakes) was not held
REUSED_PHOTO = "reused_photo"        # its photo is also evidence of a hazard, another drill or a campaign activity
CLOCK_SKEW = timedelta(minutes=10)   # a phone's clock may run a little ahead

# --- reading --------------------------------------------------------------------------------------------

def visible_drills(actor: User, filters: dict) -> Select:
    """Drills of schools the actor sees; open ones first (overdue, then due soonest)."""
    query = select(Drill).where(Drill.school_id.in_(school_ids(actor)))
    for field in ("school_id", "kind", "requirement"):
        if (value := filters.get(field)) is not None:
            query = query.where(getattr(Drill, field) == value)
    if statuses := filters.get("status"):
        query = query.where(Drill.status.in_(statuses))
    if region_id := filters.get("region_id"):
        query = query.where(Drill.school_id.in_(school_ids_in_visible_region(actor, region_id)))
    rules = current_rules()
    if since := filters.get("since"):  # windows overlapping [since, until], in local days
        query = query.where(Drill.window_end > day_start(rules, since))
    if until := filters.get("until"):
        query = query.where(Drill.window_start < day_start(rules, until + timedelta(days=1)))
    open_first = case((Drill.status == DrillStatus.overdue, 0), (Drill.status == DrillStatus.assigned, 1), else_=2)
    return query.options(joinedload(Drill.school)).order_by(open_first, Drill.window_end, Drill.id)


def get_drill(actor: User, drill_id: int) -> Drill:
    drill = db.session.scalar(select(Drill).where(Drill.id == drill_id, Drill.school_id.in_(school_ids(actor))))
    if drill is None:
        raise NotFound()
    return drill


def present(drill: Drill) -> Drill:
    """Attach the drill's photos for the API."""
    drill.photos = photos_of(PhotoSubject.drill, drill.id).get(None, [])
    return drill


# --- reporting ------------------------------------------------------------------------------------------

def report(actor: User, drill: Drill, data: dict) -> tuple[Drill, list[Hazard]]:
    """Record how a drill went. The school's managers and its inspectors may report; a drill reported already
    is 409. An overdue drill may still be reported: it is flagged late_report (and late when it was held
    after its window). Improvements become notes, hazards (opened by the hazards domain) or tasks with an
    owner. Returns (drill, hazards opened)."""
    require_in_scope(actor, drill.school_id, Capability.inspect)
    if drill.status not in REPORTABLE:
        raise Conflict(_("This drill has already been reported."), code="wrong_state")
    moment, conducted_at, rules = now(), data["conducted_at"], current_rules()
    _check_record(rules, drill, data, moment)
    photos = resolve_refs(actor, data.get("photo_ids", []), "photo_ids")
    improvements = [_improvement_of(actor, drill, i, item) for i, item in enumerate(data.get("improvements", []))]
    codes = _region_codes(drill.school)
    evacuations = [DrillEvacuation(drill_id=drill.id, building=e["building"], floors=e["floors"],
                                   seconds=e["seconds"], slow=_slow(rules, e, codes)) for e in data["evacuations"]]
    before = drill.status
    # Conditional on the state, so two reports racing each other cannot both win.
    claimed = db.session.execute(
        update(Drill).where(Drill.id == drill.id, Drill.status.in_(REPORTABLE))
        .values(status=DrillStatus.reported, reported_at=moment, reported_by_id=actor.id, conducted_at=conducted_at,
                evacuation_seconds=max(e.seconds for e in evacuations),
                flags=",".join(_flags(rules, drill, data, evacuations, photos, moment)),
                phases=",".join(data["phases"]),
                **{field: data[field] for field in RECORD_FIELDS})
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise Conflict(_("This drill has already been reported."), code="wrong_state")
    db.session.add_all(evacuations)
    if photos:
        attach_photos(photos, drill.school_id, PhotoSubject.drill, drill.id)
    opened = [_open_hazard(actor, drill, improvement, hazard) for improvement, hazard in improvements if hazard]
    db.session.add_all(improvement for improvement, _hazard in improvements)
    db.session.flush()
    db.session.refresh(drill)
    record("drill.reported", actor, object_type="drill", object_id=drill.id, school_id=drill.school_id,
           from_status=before.value, to_status=drill.status.value, flags=drill.flag_list,
           hazards=[h.id for h in opened],
           tasks=[i.id for i, _hazard in improvements if i.action == ImprovementAction.task])
    return drill, opened


RECORD_FIELDS = ("scenario", "mode", "time_of_day", "place", "staff_count", "student_count", "head_count_done",
                 "injuries", "injury_notes", "review", "notes")


def _check_record(rules, drill: Drill, data: dict, moment) -> None:
    """422 for a record that cannot count: held before its window or in the future, nobody taking part, a
    once-a-term drill held at a time or place that does not count for it, a phase the kind does not have."""
    problems = {}
    if data["conducted_at"] < drill.window_start:
        problems["conducted_at"] = [_("A drill held before its window opened does not count for it.")]
    if data["conducted_at"] > moment + CLOCK_SKEW:
        problems["conducted_at"] = [_("A drill cannot have been held in the future.")]
    if data["staff_count"] + data["student_count"] == 0:
        problems["student_count"] = [_("Nobody took part.")]
    rule = next((r for r in rules.term_rules() if r.requirement == drill.requirement), None)
    if rule is not None and rule.times and data["time_of_day"] not in rule.times:
        problems["time_of_day"] = [_("This drill counts only when held at: %(times)s.",
                                     times=", ".join(sorted(rule.times)))]
    if rule is not None and rule.places and data["place"] not in rule.places:
        problems["place"] = [_("This drill counts only when held in: %(places)s.",
                               places=", ".join(sorted(rule.places)))]
    known = {phase.key for phase in rules.kinds[drill.kind].phases}
    for index, phase in enumerate(data["phases"]):
        if phase not in known:
            problems[f"phases.{index}"] = [_("This kind of drill has no such phase.")]
    if problems:
        raise Invalid(fields=problems)


def _flags(rules, drill: Drill, data: dict, evacuations: list[DrillEvacuation], photos, moment) -> list[str]:
    skipped = [p.key for p in rules.kinds[drill.kind].phases if p.key not in data["phases"]]
    checks = [(SLOW_EVACUATION, any(e.slow for e in evacuations)),
              (LATE, data["conducted_at"] >= drill.window_end),
              (LATE_REPORT, drill.status == DrillStatus.overdue or moment >= drill.window_end),
              (NO_PLAN, db.session.scalar(select(DrillPlan.id).where(DrillPlan.drill_id == drill.id)) is None),
              (NO_HEAD_COUNT, not data["head_count_done"]),
              (PHASES_SKIPPED, bool(skipped)),
              (REUSED_PHOTO, uses_elsewhere(photos, PhotoSubject.drill, drill.id))]
    return [flag for flag, raised in checks if raised]


def _slow(rules, evacuation: dict, region_codes: list[str]) -> bool:
    threshold = slow_evacuation_threshold(rules, evacuation["floors"], region_codes)
    return threshold is not None and evacuation["seconds"] > threshold


def _region_codes(school: School) -> list[str]:
    """Codes of the school's region and those above it, top first."""
    ids = [int(part) for part in school.region.path.strip("/").split("/") if part]
    codes = dict(db.session.execute(select(Region.id, Region.code).where(Region.id.in_(ids))).all())
    return [codes[i] for i in ids if i in codes]


def _improvement_of(actor: User, drill: Drill, index: int, item: dict) -> tuple[DrillImprovement, dict | None]:
    action, owner = ImprovementAction(item["action"]), None
    if action == ImprovementAction.task:
        problems = {}
        if item.get("owner_id") is None or (owner := _owner(item["owner_id"], drill.school_id)) is None:
            problems[f"improvements.{index}.owner_id"] = [_("A task needs an owner who works at this school.")]
        if item.get("due_on") is None:
            problems[f"improvements.{index}.due_on"] = [_("A task needs a due day.")]
        if problems:
            raise Invalid(fields=problems)
    improvement = DrillImprovement(drill_id=drill.id, school_id=drill.school_id, text=item["text"], action=action,
                                   owner_id=owner.id if owner else None,
                                   due_on=item.get("due_on") if owner else None)
    hazard = None
    if action == ImprovementAction.hazard:  # what the hazards domain needs to open one
        hazard = {"title": item["text"], "description": item.get("description", ""), "grade": item["grade"],
                  "category": item.get("category") or Category.evacuation_route,
                  "photos": resolve_refs(actor, item.get("photo_ids", []), f"improvements.{index}.photo_ids")}
    return improvement, hazard


def _owner(user_id: int, school_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.active and may(user, Capability.inspect, school_id) else None


def _open_hazard(actor: User, drill: Drill, improvement: DrillImprovement, data: dict) -> Hazard:
    hazard = hazards.report(actor, drill.school, data, HazardSource.drill)
    improvement.hazard_id = hazard.id
    return hazard


def complete_improvement(actor: User, drill: Drill, improvement_id: int, note: str) -> DrillImprovement:
    """The owner of an improvement task (or a manager of the school) marks it done, once."""
    improvement = db.session.scalar(select(DrillImprovement).where(DrillImprovement.id == improvement_id,
                                                                   DrillImprovement.drill_id == drill.id))
    if improvement is None:
        raise NotFound()
    if actor.id != improvement.owner_id and not may(actor, Capability.manage, drill.school_id):
        raise Forbidden()
    if improvement.action != ImprovementAction.task or improvement.done_at is not None:
        raise Conflict(_("Only an open task can be marked done."), code="wrong_state")
    improvement.done_at, improvement.done_note = now(), note
    db.session.flush()
    record("drill.improvement_done", actor, object_type="drill", object_id=drill.id, school_id=drill.school_id,
           improvement_id=improvement.id, note=note)
    return improvement


# --- the plan (方案) ----------------------------------------------------------------------------------------

PLAN_MAX_BYTES = 10 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _plan_type(data: bytes) -> str | None:
    """The plan's media type read from its bytes (PDF, or a Word .docx), None for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def attach_plan(actor: User, drill: Drill, filename: str, data: bytes) -> DrillPlan:
    """The school files the drill's plan before reporting it (a later file replaces the earlier one)."""
    require_in_scope(actor, drill.school_id, Capability.inspect)
    if drill.status not in REPORTABLE:
        raise Conflict(_("The plan of a reported drill cannot be changed."), code="wrong_state")
    if len(data) > PLAN_MAX_BYTES:
        raise TooLarge(_("A plan may be at most %(mb)s MB.", mb=round(PLAN_MAX_BYTES / (1024 * 1024), 1)))
    if (mime := _plan_type(data)) is None:
        raise UnsupportedMedia(_("A plan must be a PDF or a Word (.docx) file."))
    db.session.execute(delete(DrillPlan).where(DrillPlan.drill_id == drill.id))
    plan = DrillPlan(drill_id=drill.id, filename=(filename or "plan")[-200:], mime=mime, byte_size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), content=data, uploaded_by_id=actor.id)
    db.session.add(plan)
    db.session.flush()
    db.session.expire(drill, ["plan"])
    record("drill.plan_attached", actor, object_type="drill", object_id=drill.id, school_id=drill.school_id,
           sha256=plan.sha256, byte_size=plan.byte_size)
    return plan


def plan_of(drill: Drill) -> DrillPlan:
    plan = db.session.scalar(select(DrillPlan).where(DrillPlan.drill_id == drill.id)
                             .options(undefer(DrillPlan.content)))
    if plan is None:
        raise NotFound()
    return plan


# --- compliance -----------------------------------------------------------------------------------------

def compliance(actor: User, filters: dict) -> dict:
    """Share of required drills held on time, per school and per district, for a range of local days.

    Required: drills whose window ended inside the range (and has ended by now). On time: reported with
    `conducted_at` inside the window. Counted with GROUP BY in SQL.
    """
    rules = current_rules()
    today = local_day(rules, now())
    until: date = filters.get("until") or today
    since: date = filters.get("since") or until - timedelta(days=365)
    if since > until:
        raise Invalid(fields={"since": [_("The range starts after it ends.")]})
    in_scope = [School.id.in_(school_ids(actor))]
    if school_id := filters.get("school_id"):
        in_scope.append(School.id == require_school(actor, school_id).id)
    if region_id := filters.get("region_id"):
        in_scope.append(School.id.in_(school_ids_in_visible_region(actor, region_id)))
    counted = and_(Drill.window_end > day_start(rules, since),
                   Drill.window_end <= min(day_start(rules, until + timedelta(days=1)), now()))
    on_time = and_(Drill.status == DrillStatus.reported, Drill.conducted_at >= Drill.window_start,
                   Drill.conducted_at < Drill.window_end)
    figures = (func.count(Drill.id).label("required"),
               func.count(case((on_time, Drill.id))).label("on_time"),
               func.count(case((and_(Drill.status == DrillStatus.reported, ~on_time), Drill.id))).label("late"),
               func.count(case((Drill.status != DrillStatus.reported, Drill.id))).label("missed"))
    school_rows = db.session.execute(
        select(School.id, School.code, School.name_zh, School.name_en, School.region_id, *figures)
        .select_from(School).outerjoin(Drill, and_(Drill.school_id == School.id, counted))
        .where(*in_scope)
        .group_by(School.id, School.code, School.name_zh, School.name_en, School.region_id, School.active)
        .having(School.active.is_(True) | (func.count(Drill.id) > 0))
        .order_by(School.code)).all()
    district_rows = db.session.execute(
        select(Region.id, Region.code, Region.name_zh, Region.name_en, *figures)
        .select_from(Drill).join(School, School.id == Drill.school_id).join(Region, Region.id == School.region_id)
        .where(*in_scope, counted)
        .group_by(Region.id, Region.code, Region.name_zh, Region.name_en).order_by(Region.code)).all()
    districts = [{"region_id": r.id, "code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, **_figures(r)}
                 for r in district_rows]
    overall = {key: sum(d[key] for d in districts) for key in ("required", "on_time", "late", "missed")}
    return {
        "since": since, "until": until,
        "overall": {**overall, "rate": _rate(overall["on_time"], overall["required"])},
        "districts": districts,
        "schools": [{"school_id": r.id, "code": r.code, "name_zh": r.name_zh, "name_en": r.name_en,
                     "region_id": r.region_id, **_figures(r)} for r in school_rows],
    }


def _figures(row) -> dict:
    return {"required": row.required, "on_time": row.on_time, "late": row.late, "missed": row.missed,
            "rate": _rate(row.on_time, row.required)}


def _rate(on_time: int, required: int) -> float | None:
    return round(100 * on_time / required, 1) if required else None


# --- school calendars -----------------------------------------------------------------------------------

def period_of(row: CalendarPeriod) -> Period:
    return Period(row.kind, row.starts_on, row.ends_on)


def _visible_calendar_regions(actor: User) -> Select:
    """Regions at or above a region the actor sees: offices read the city calendar their schools follow."""
    seen = visible_regions(actor).order_by(None).subquery()
    return select(Region.id).join(seen, seen.c.path.startswith(Region.path))


def calendar_periods(actor: User, filters: dict) -> list[CalendarPeriod]:
    """Periods of one region (`region_id`), the calendar a school follows (`school_id`), or all readable ones."""
    query = select(CalendarPeriod)
    if school_id := filters.get("school_id"):
        region = effective_calendar_region(require_school(actor, school_id))
        query = query.where(CalendarPeriod.region_id == (region.id if region else None))
    if region_id := filters.get("region_id"):
        query = query.where(CalendarPeriod.region_id == get_region(actor, region_id).id)
    if not filters.get("school_id") and not filters.get("region_id"):
        query = query.where(CalendarPeriod.region_id.in_(_visible_calendar_regions(actor)))
    return list(db.session.scalars(query.order_by(CalendarPeriod.region_id, CalendarPeriod.starts_on,
                                                  CalendarPeriod.id)))


def effective_calendar_region(school: School) -> Region | None:
    """The nearest region up the school's tree that has calendar periods (a district overrides its city)."""
    return nearest_calendar_region(school.region)


def nearest_calendar_region(region: Region) -> Region | None:
    """The region itself or the nearest one above it with calendar periods."""
    ancestors = [int(part) for part in region.path.strip("/").split("/") if part]
    with_periods = set(db.session.scalars(
        select(CalendarPeriod.region_id).where(CalendarPeriod.region_id.in_(ancestors)).distinct()))
    nearest = next((rid for rid in reversed(ancestors) if rid in with_periods), None)
    return db.session.get(Region, nearest) if nearest else None


def _require_office(actor: User | None, region: Region) -> None:
    if actor is not None and db.session.scalar(
            region_ids(actor, Capability.oversee).where(Region.id == region.id)) is None:
        raise Forbidden()


def create_period(actor: User | None, region: Region, data: dict) -> CalendarPeriod:
    """An office adds a term or holiday to its region's calendar (periods of one kind may not overlap)."""
    _require_office(actor, region)
    kind = CalendarKind(data["kind"])
    if data["starts_on"] > data["ends_on"]:
        raise Invalid(fields={"ends_on": [_("The period ends before it starts.")]})
    clash = db.session.scalar(select(CalendarPeriod.id).where(
        CalendarPeriod.region_id == region.id, CalendarPeriod.kind == kind,
        CalendarPeriod.starts_on <= data["ends_on"], CalendarPeriod.ends_on >= data["starts_on"]).limit(1))
    if clash is not None:
        raise Conflict(_("It overlaps another period of the same kind in this calendar."), code="overlap")
    period = CalendarPeriod(region_id=region.id, kind=kind, name_zh=data["name_zh"],
                            name_en=data.get("name_en", ""), starts_on=data["starts_on"], ends_on=data["ends_on"])
    db.session.add(period)
    db.session.flush()
    record("calendar.created", actor, object_type="calendar_period", object_id=period.id, region_id=region.id,
           kind=period.kind.value, starts_on=period.starts_on.isoformat(), ends_on=period.ends_on.isoformat())
    return period


def get_period(actor: User, period_id: int) -> CalendarPeriod:
    period = db.session.scalar(select(CalendarPeriod).where(
        CalendarPeriod.id == period_id, CalendarPeriod.region_id.in_(_visible_calendar_regions(actor))))
    if period is None:
        raise NotFound()
    return period


def delete_period(actor: User, period: CalendarPeriod) -> None:
    """Drills already created keep their windows; the calendar shapes the windows still to come."""
    _require_office(actor, period.region)
    record("calendar.deleted", actor, object_type="calendar_period", object_id=period.id,
           region_id=period.region_id, kind=period.kind.value, starts_on=period.starts_on.isoformat(),
           ends_on=period.ends_on.isoformat())
    db.session.delete(period)
    db.session.flush()

