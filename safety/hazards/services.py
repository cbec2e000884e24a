"""The hazard lifecycle: opening (from failures, reports), transitions with history, scoped lists."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, case, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..accounts.scope import Capability, may, people_at_schools, require_in_scope, school_ids
from ..audit.services import record
from ..checklists.models import Category, ChecklistItem, Grade
from ..core.clock import now
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..escalations.policy import OFFICE_OF_LEVEL, WHEN_OPENED
from ..extensions import db
from ..notifications.services import enqueue_select
from ..photos.models import Photo, PhotoSubject, PhotoUse
from ..photos.services import attach_photos
from ..photos.similarity import near, uses_elsewhere
from ..points.models import Point
from ..schools.models import School
from ..schools.services import school_ids_in_visible_region
from .models import OPEN_STATUSES, Hazard, HazardEvent, HazardSource, HazardStatus
from .policy import LIFECYCLE, deadlines, policy

TITLE_LENGTH = Hazard.__table__.c.title.type.length
# Events whose photos show the hazard as found.
DISCOVERY_ACTIONS = ("opened", "observed_again")

# --- reading --------------------------------------------------------------------------------------------

# What `sort` may name (`-name` for descending); empty values last, the id breaks ties so pages never overlap.
# Without `sort`, triage order: open first, then overdue, then by deadline.
SORT_KEYS = {
    "deadline": Hazard.deadline,
    "created_at": Hazard.created_at,
    "updated_at": Hazard.updated_at,
    "grade": case((Hazard.grade == Grade.major, 1), else_=0),
    "level": Hazard.level,
}
SORTS = tuple(f"{sign}{name}" for name in SORT_KEYS for sign in ("", "-"))


def sorted_by(name: str) -> tuple:
    key = SORT_KEYS[name.removeprefix("-")]
    if name.startswith("-"):
        return key.desc().nulls_last(), Hazard.id.desc()
    return key.asc().nulls_last(), Hazard.id

def visible_hazards(actor: User, filters: dict) -> Select:
    query = select(Hazard).where(Hazard.school_id.in_(school_ids(actor)))
    for field in ("school_id", "point_id", "level", "category", "source"):
        if (value := filters.get(field)) is not None:
            query = query.where(getattr(Hazard, field) == value)
    if filters.get("mine"):
        query = query.where(Hazard.assignee_id == actor.id)
    if statuses := filters.get("status"):
        query = query.where(Hazard.status.in_(statuses))
    if grade := filters.get("severity"):
        query = query.where(Hazard.grade == grade)
    if filters.get("open"):
        query = query.where(Hazard.status.in_(OPEN_STATUSES))
    if (overdue := filters.get("overdue")) is not None:
        late = Hazard.status.in_(OPEN_STATUSES) & (Hazard.deadline < now())
        query = query.where(late if overdue else ~late)
    if since := filters.get("since"):
        query = query.where(Hazard.created_at >= since)
    if until := filters.get("until"):
        query = query.where(Hazard.created_at < until)
    if region_id := filters.get("region_id"):
        query = query.where(Hazard.school_id.in_(school_ids_in_visible_region(actor, region_id)))
    if sort := filters.get("sort"):
        return query.order_by(*sorted_by(sort))
    open_first = case((Hazard.status.in_(OPEN_STATUSES), 0), else_=1)
    overdue_first = case((Hazard.deadline < now(), 0), else_=1)
    return query.order_by(open_first, overdue_first, Hazard.deadline.is_(None), Hazard.deadline, Hazard.id.desc())


def count_by_status(actor: User, filters: dict) -> dict[str, int]:
    """Counts for dashboards, in one GROUP BY over the same scoped, filtered query."""
    base = visible_hazards(actor, filters).order_by(None).subquery()
    rows = db.session.execute(select(base.c.status, func.count()).group_by(base.c.status)).all()
    counts = {status.value: 0 for status in HazardStatus}
    counts.update({status: n for status, n in rows})
    return counts


def get_hazard(actor: User, hazard_id: int) -> Hazard:
    hazard = db.session.scalar(select(Hazard).where(Hazard.id == hazard_id, Hazard.school_id.in_(school_ids(actor))))
    if hazard is None:
        raise NotFound()
    return hazard


# --- opening --------------------------------------------------------------------------------------------

def add_event(hazard: Hazard, actor: User | None, action: str, *, before: HazardStatus | None = None,
           note: str = "", photos: list[str] = (), inspection_id: int | None = None, at: datetime | None = None,
           **data) -> HazardEvent:
    """One entry of the hazard's history (and its audit row); `at` defaults to now. An opening passes the hazard's
    own created_at, so its updated_at stays as written and no UPDATE follows the INSERT."""
    if reused := uses_elsewhere(list(photos), PhotoSubject.hazard, hazard.id):
        data["reused_photos"] = reused  # the same bytes proving something else: flagged for the office
    event = HazardEvent(hazard=hazard, actor_id=actor.id if actor else None, action=action, at=at or now(),
                        from_status=before.value if before else None, to_status=hazard.status.value, note=note,
                        inspection_id=inspection_id, data=data)
    db.session.add(event)
    db.session.flush()
    if photos:
        attach_photos(photos, hazard.school_id, PhotoSubject.hazard, hazard.id, event.id)
    hazard.updated_at = event.at
    record(f"hazard.{action}", actor, object_type="hazard", object_id=hazard.id, school_id=hazard.school_id,
           from_status=event.from_status, to_status=event.to_status)
    return event


def _new_hazard(*, school_id: int, grade: Grade, category: Category, source: HazardSource, title: str,
                **fields) -> Hazard:
    opened = now()
    deadline, interim = deadlines(grade, opened)
    hazard = Hazard(school_id=school_id, grade=grade, category=category, source=source, title=title,
                    status=HazardStatus.reported, level=0, created_at=opened, updated_at=opened,
                    deadline=deadline, interim_deadline=interim, **fields)
    db.session.add(hazard)
    return hazard


def _escalate_when_opened(hazard: Hazard) -> None:
    """Some hazards are an office's business from the moment they are found (escalations.policy decides which:
    a major one is the district office's, level 1); that office hears of it at once."""
    if hazard.grade not in WHEN_OPENED:
        return
    level, notice = WHEN_OPENED[hazard.grade]
    hazard.level, hazard.escalated_at = level, hazard.created_at
    add_event(hazard, None, "escalated", before=hazard.status, **_escalation(level, hazard.grade.value))
    offices = people_at_schools(Role.safety_office, OFFICE_OF_LEVEL[level]).subquery()
    enqueue_select(notice, "hazard",
                   select(offices.c.user_id, literal(hazard.id), literal(hazard.school_id))
                   .where(offices.c.school_id == hazard.school_id))


def failed_item_title(item: ChecklistItem) -> str:
    """Items say what should be true ("安全出口畅通"); the hazard says it is not. Stored in Chinese, the ledger's
    language; an item longer than the title column is shortened visibly, its whole text stays on the item."""
    title = f"不符合：{item.text_zh}"
    return title if len(title) <= TITLE_LENGTH else title[:TITLE_LENGTH - 1] + "…"


def open_from_failure(actor: User, point: Point, item: ChecklistItem, inspection_id: int, note: str,
                      photos: list[str]) -> tuple[Hazard, bool]:
    """A failed item opens a hazard at the point, or adds an observation to the open one for that item.

    The partial unique index (one open hazard per point and item) settles concurrent inspections.
    Returns (hazard, opened).
    """
    existing = _open_for_item(point.id, item.key)
    if existing is None:
        try:
            with db.session.begin_nested():
                hazard = _new_hazard(school_id=point.school_id, grade=item.fail_grade, category=point.category,
                                     source=HazardSource.inspection, title=failed_item_title(item), description=note,
                                     point_id=point.id, item_key=item.key, item_id=item.id,
                                     inspection_id=inspection_id, reporter_id=actor.id)
                db.session.flush()
            add_event(hazard, actor, "opened", note=note, photos=photos, inspection_id=inspection_id,
                      at=hazard.created_at)
            _escalate_when_opened(hazard)
            return hazard, True
        except IntegrityError:
            existing = _open_for_item(point.id, item.key)
    existing.recurrences = Hazard.recurrences + 1  # in SQL: concurrent observations must not lose a count
    add_event(existing, actor, "observed_again", before=existing.status, note=note, photos=photos,
           inspection_id=inspection_id)
    return existing, False


def fix_on_the_spot(actor: User, point: Point, item: ChecklistItem, inspection_id: int, note: str,
                    photos: list[str], fix: dict) -> Hazard:
    """立行立改: a general problem fixed while the inspector was there is recorded as found and closed at once,
    with the fix and its after-photos; it never runs a deadline. An open hazard for the item is closed too."""
    hazard, opened = open_from_failure(actor, point, item, inspection_id, note, photos)
    if opened:
        hazard.deadline = hazard.interim_deadline = None
    hazard.on_the_spot, hazard.rectifier_id = True, actor.id
    hazard.accepted_by_id, hazard.accepted_at, hazard.acceptance_opinion = actor.id, now(), fix["note"]
    _note_ledger(hazard, {"measures": fix["note"]})
    return _move(hazard, actor, "fix_on_the_spot", fix["note"], fix["photos"])


def _open_for_item(point_id: int, item_key: str) -> Hazard | None:
    return db.session.scalar(select(Hazard).where(Hazard.point_id == point_id, Hazard.item_key == item_key,
                                                  Hazard.status.in_(OPEN_STATUSES)))


def report(actor: User | None, school: School, data: dict, source: HazardSource) -> Hazard:
    """A hazard reported directly (in the app, or by anyone through a point's code)."""
    point = data.get("point")
    hazard = _new_hazard(school_id=school.id, grade=data.get("grade", Grade.general),
                         category=data.get("category") or (point.category if point else Category.other),
                         source=source, title=data["title"], description=data.get("description", ""),
                         point_id=point.id if point else None, reporter_id=actor.id if actor else None,
                         reporter_phone=data.get("phone"))
    db.session.flush()
    add_event(hazard, actor, "opened", note=data.get("description", ""), photos=data.get("photos", []),
              at=hazard.created_at, source=source.value)
    _escalate_when_opened(hazard)
    return hazard


# --- escalation: the escalations package decides which hazards and when; their history is written here ------

def _escalation(level: int, reason: str) -> dict:
    return {"level": level, "reason": reason}


def escalate_where(condition: ColumnElement, level: int, as_of: datetime, *, since: ColumnElement,
                   announce: Callable[[ColumnElement], None] | None = None, reason: str = "overdue") -> int:
    """Move every hazard meeting `condition` to `level`, set-based: one INSERT … SELECT of history events, one
    UPDATE, and one audit row for the whole move (each hazard's own history has its event).

    `since` is the new `escalated_at` (a column expression: the clock of the next level). `announce(condition)`
    runs between the two, while `condition` still picks exactly the hazards that move (the caller chooses
    who hears). Returns how many moved.
    """
    data = literal(_escalation(level, reason), type_=HazardEvent.data.type)
    db.session.execute(insert(HazardEvent).from_select(
        ["hazard_id", "at", "action", "from_status", "to_status", "note", "data"],
        select(Hazard.id, literal(as_of, type_=HazardEvent.at.type), literal("escalated"), Hazard.status,
               Hazard.status, literal(""), data).where(condition)))
    if announce is not None:
        announce(condition)
    moved = db.session.execute(update(Hazard).where(condition).values(level=level, escalated_at=since,
                                                                       updated_at=as_of)
                               .execution_options(synchronize_session=False)).rowcount
    if moved:
        record("hazard.escalated", None, object_type="hazard", level=level, hazards=moved).at = as_of
    return moved


# --- transitions ----------------------------------------------------------------------------------------

def _move(hazard: Hazard, actor: User, action: str, note: str = "", photos: list[str] = (), **data) -> Hazard:
    """Every status change: the lifecycle's table (409 from a wrong status, closed_at kept by its hooks), then
    the one history call."""
    before = LIFECYCLE.fire(hazard, action)
    add_event(hazard, actor, action, before=before, note=note, photos=photos, **data)
    return hazard


def assignee(user_id: int) -> User:
    """The person an assignment names: an active user, else 422 on `assignee_id`."""
    user = db.session.scalar(select(User).where(User.id == user_id, User.active.is_(True)))
    if user is None:
        raise Invalid(fields={"assignee_id": [_("No such user.")]})
    return user


def assign(actor: User, hazard: Hazard, assignee: User, note: str = "", deadline: datetime | None = None) -> Hazard:
    """Whoever confirms a general hazard by assigning it may set its deadline within the policy's bounds."""
    require_in_scope(actor, hazard.school_id, Capability.manage)
    if not may(assignee, Capability.view, hazard.school_id):
        raise Invalid(fields={"assignee_id": [_("That person has no access to this school.")]})
    if deadline is not None:
        _confirm_deadline(actor, hazard, deadline)
    hazard.assignee_id = assignee.id
    return _move(hazard, actor, "assign", note, assignee_id=assignee.id, assignee=assignee.display_name)


def _confirm_deadline(actor: User, hazard: Hazard, deadline: datetime) -> None:
    if hazard.grade != Grade.general:
        raise Invalid(fields={"deadline": [_("A major hazard's deadline comes from its 五落实 plan.")]})
    if not hazard.is_open:
        raise Conflict(_("The hazard is no longer open."), code="wrong_state")
    latest = hazard.created_at + timedelta(days=policy()["general"]["max_deadline_days"])
    if not now() < deadline <= latest:
        raise Invalid(fields={"deadline": [_("The deadline must be after now and no later than %(latest)s.",
                                             latest=latest.date().isoformat())]})
    change_deadline(actor, hazard, "deadline_set", deadline, _("Deadline set on confirmation."))


def _may_work_on(actor: User, hazard: Hazard) -> None:
    if hazard.assignee_id != actor.id:
        require_in_scope(actor, hazard.school_id, Capability.manage)


def change_deadline(actor: User, hazard: Hazard, action: str, deadline: datetime, why: str, **data) -> HazardEvent:
    """Every deadline change ends here: one history event with the old and the new deadline, who and why, and
    whether the hazard was overdue until this moment (it stays shown as overdue until this event)."""
    before, was_overdue = hazard.deadline, hazard.overdue
    hazard.deadline = deadline
    return add_event(hazard, actor, action, before=hazard.status, note=why, overdue_before=was_overdue,
                     old_deadline=before.isoformat() if before else None, new_deadline=deadline.isoformat(), **data)


def plan_record(plan: dict) -> dict:
    return {**plan, "deadline": plan["deadline"].isoformat()}


def record_acknowledgement(actor: User, hazard: Hazard, note: str, **office) -> HazardEvent:
    """An office has seen the escalated hazard (the escalations domain decided it may)."""
    hazard.acknowledged_at, hazard.acknowledged_by_id = now(), actor.id
    return add_event(hazard, actor, "acknowledged", before=hazard.status, note=note, level=hazard.level, **office)


def record_extension(actor: User, hazard: Hazard, deadline: datetime, reason: str, **office) -> HazardEvent:
    hazard.extensions += 1
    return change_deadline(actor, hazard, "extended", deadline, reason, extension=hazard.extensions, **office)


def record_supervision(actor: User, hazard: Hazard, plan: dict, supervisor: str, reason: str,
                       **office) -> HazardEvent:
    """挂牌督办: the office's 五落实 plan and its deadline become the hazard's."""
    hazard.five_fixed = plan_record(plan)
    hazard.supervised_at, hazard.supervisor = now(), supervisor
    return change_deadline(actor, hazard, "supervised", plan["deadline"], reason, supervisor=supervisor,
                           level=hazard.level, plan=hazard.five_fixed, **office)


def record_five_fixed(actor: User, hazard: Hazard, plan: dict) -> Hazard:
    """五落实 for a major hazard: responsibility, measures, funds, deadline and contingency plan (责任、措施、资金、
    时限、预案), plus the interim measures in force until it is fixed.

    The school's plan may finish on or before the deadline the policy or an office set, never later: only an
    office moves a deadline later (escalations.extend / supervise). A general hazard has no such plan.
    """
    _may_work_on(actor, hazard)
    if not hazard.is_open:
        raise Conflict(_("The hazard is no longer open."), code="wrong_state")
    if hazard.status == HazardStatus.awaiting_verification:  # the plan it was rectified under is the record now
        raise Conflict(_("The rectification awaits verification: its 五落实 plan can no longer change."),
                       code="wrong_state")
    if hazard.grade != Grade.major:
        raise Conflict(_("A 五落实 plan is for major hazards; a general hazard keeps the deadline it was given."),
                       code="not_major")
    if hazard.deadline is not None and plan["deadline"] > hazard.deadline:
        raise Invalid(fields={"deadline": [_("The plan must finish on or before the current deadline; only the "
                                             "safety office can extend a deadline.")]})
    hazard.five_fixed = plan_record(plan)
    _note_ledger(hazard, {"measures": plan["measures"], "funds": plan["funding"],
                          "interim_measures": plan.get("interim_measures")})
    change_deadline(actor, hazard, "five_fixed", plan["deadline"], plan["measures"])
    return hazard


def _require_five_fixed(hazard: Hazard) -> None:
    if hazard.grade == Grade.major and not hazard.five_fixed:
        raise Conflict(_("A major hazard needs its 五落实 plan before rectification."),
                       code="five_fixed_required")


def start(actor: User, hazard: Hazard, note: str = "") -> Hazard:
    _may_work_on(actor, hazard)
    _require_five_fixed(hazard)
    return _move(hazard, actor, "start", note)


def _refuse_photos_of_the_problem(hazard: Hazard, hashes: list[str]) -> None:
    """Rectification evidence shows the result: not a photo that recorded the hazard, nor a near copy of one.
    So its photos must have arrived before the rectification is recorded (the check needs their pixels)."""
    found = db.session.execute(
        select(PhotoUse.sha256, Photo.phash).join(HazardEvent, HazardEvent.id == PhotoUse.part_id)
        .outerjoin(Photo, Photo.sha256 == PhotoUse.sha256)
        .where(PhotoUse.subject_type == PhotoSubject.hazard, PhotoUse.subject_id == hazard.id,
               HazardEvent.action.in_(DISCOVERY_ACTIONS))).all()
    arrived = dict(db.session.execute(select(Photo.sha256, Photo.phash).where(Photo.sha256.in_(hashes))).all())
    same = {sha for sha, _phash in found} | near([phash for _sha, phash in found if phash], arrived.items())
    problems = [_("Upload the photos before recording the rectification.")] if set(hashes) - set(arrived) else []
    if same & set(hashes):
        problems.append(_("A photo that recorded the hazard, or a copy of it, cannot prove its rectification: "
                          "take a photo of the result."))
    if problems:
        raise Invalid(fields={"photos": problems}, code="photo_shows_the_problem" if same & set(hashes) else None)


LEDGER_FIELDS = ("measures", "funds", "interim_measures")


def ledger_of(data: dict) -> dict:
    """What a rectification says for the ledger (整改措施, 整改资金, 临时防范措施), from an API body or a form."""
    return {name: data[name] for name in LEDGER_FIELDS if data.get(name)}


def rectify(actor: User, hazard: Hazard, note: str, photos: list[str], ledger: dict | None = None) -> Hazard:
    """Rectification needs a note and photo evidence of the result; whoever records it may not verify it.

    `ledger` may say what the ledger shows of it: the measures taken, the funds spent, interim measures.
    """
    _may_work_on(actor, hazard)
    _require_five_fixed(hazard)
    _refuse_photos_of_the_problem(hazard, photos)
    hazard.rectifier_id = actor.id
    _note_ledger(hazard, {"measures": note, **(ledger or {})})
    return _move(hazard, actor, "rectify", note, photos, **(ledger or {}))


def _note_ledger(hazard: Hazard, values: dict) -> None:
    for name in LEDGER_FIELDS:
        if values.get(name):
            setattr(hazard, name, values[name])


def verifier_capability(hazard: Hazard) -> Capability:
    """General hazards at school level: the principal verifies; major or escalated ones: the safety office."""
    return Capability.oversee if hazard.grade == Grade.major or hazard.level > 0 else Capability.manage


def verify(actor: User, hazard: Hazard, accepted: bool, note: str = "") -> Hazard:
    """Accepted: closed; rejected: back to rectification. Not by the rectifier."""
    require_in_scope(actor, hazard.school_id, verifier_capability(hazard))
    if hazard.rectifier_id == actor.id:
        raise Forbidden(_("Someone other than the rectifier must verify."), code="same_person")
    if accepted:  # 验收: who accepted it, when, and their opinion, as the ledger shows them
        hazard.accepted_by_id, hazard.accepted_at, hazard.acceptance_opinion = actor.id, now(), note
    return _move(hazard, actor, "accept" if accepted else "reject", note)


def dismiss(actor: User, hazard: Hazard, reason: str) -> Hazard:
    require_in_scope(actor, hazard.school_id, Capability.manage)
    return _move(hazard, actor, "dismiss", reason)


def reopen(actor: User, hazard: Hazard, reason: str) -> Hazard:
    """A closed hazard found not fixed after all goes back to rectification, reopened by whoever may verify it.

    Its deadline starts again from now by the policy of its grade: the old one has passed, and the sweep would
    otherwise escalate the hazard at once. The history event has the old and the new deadline.
    """
    require_in_scope(actor, hazard.school_id, verifier_capability(hazard))
    if hazard.item_key and hazard.status == HazardStatus.closed and _open_for_item(hazard.point_id, hazard.item_key):
        raise Conflict(_("This point has a newer open hazard for the same item; work on that one."),
                       code="already_open")
    old, hazard.deadline = hazard.deadline, deadlines(hazard.grade, now())[0]
    return _move(hazard, actor, "reopen", reason, old_deadline=old.isoformat() if old else None,
                 new_deadline=hazard.deadline.isoformat())


def present(hazard: Hazard) -> Hazard:
    """Attach each event's photos for the API."""
    from ..photos.services import photos_of
    photos = photos_of(PhotoSubject.hazard, hazard.id)
    for event in hazard.events:
        event.photos = photos.get(event.id, [])
    return hazard


def visible_hazards_at(point: Point) -> list[Hazard]:
    """Open hazards at a point (the caller has already been allowed to see the point)."""
    return list(db.session.scalars(select(Hazard).where(Hazard.point_id == point.id, Hazard.status.in_(OPEN_STATUSES))
                                   .order_by(Hazard.id)))
