"""Submitting inspections exactly once, reading them back, and what they found."""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..accounts.scope import Capability, school_ids
from ..audit.services import record
from ..checklists.models import ChecklistVersion
from ..core.clock import now
from ..core.sql import dialect_insert
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..hazards.models import Hazard, HazardEvent
from ..hazards.services import fix_on_the_spot, open_from_failure
from ..photos.models import Photo, PhotoSubject
from ..photos.services import attach_photo_parts, missing_hashes, names_photo, resolve_ref_lists, still_missing
from ..points.models import Point
from ..points.services import mark_inspected
from .models import Inspection, InspectionResult, InspectionStatus, Outcome
from .validation import check_results

FUTURE_TOLERANCE = timedelta(minutes=10)  # phone clocks drift; beyond this a time is not believable


@dataclass
class Submission:
    inspection: Inspection
    created: bool
    hazards: list[Hazard] = field(default_factory=list)
    photos: bool = True  # whether it names photos (a fresh submission knows; a replay looks them up)


def content_hash(data: dict) -> str:
    """A fingerprint of what the phone sent, to tell an honest replay from a reused client_uuid."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _by_uuid(client_uuid: str) -> Inspection | None:
    return db.session.scalar(select(Inspection).where(Inspection.client_uuid == client_uuid))


def _replay(actor: User, existing: Inspection, fingerprint: str) -> Submission:
    if existing.content_hash != fingerprint or existing.inspector_id != actor.id:
        raise Conflict(_("This client_uuid was already used for a different submission."),
                       code="client_uuid_reused")
    return Submission(existing, created=False, hazards=found_hazards(existing))


def _point_and_version(actor: User, data: dict) -> tuple[Point, ChecklistVersion]:
    """The live point named by token or id, at a school the actor may inspect, and the version of its checklist
    the phone answered, with that version's items and template: one query.

    Any version of the point's template is accepted: an offline phone may hold an older one.
    """
    named = Point.qr_token == data["qr_token"] if data.get("qr_token") else Point.id == data.get("point_id")
    version_of_point = (ChecklistVersion.id == data["template_version_id"]) \
        & (ChecklistVersion.template_id == Point.template_id)
    found = db.session.execute(
        select(Point, ChecklistVersion).outerjoin(ChecklistVersion, version_of_point)
        .where(named, Point.retired_at.is_(None), Point.school_id.in_(school_ids(actor, Capability.inspect)))
        .options(joinedload(ChecklistVersion.items), joinedload(ChecklistVersion.template))).unique().first()
    if found is None:
        raise NotFound(_("No such point, or not one you may inspect."))
    if found.ChecklistVersion is None:
        raise Invalid(fields={"template_version_id": [_("Not a version of this point's checklist.")]})
    return found.Point, found.ChecklistVersion


def _check_times(data: dict) -> None:
    latest = now() + FUTURE_TOLERANCE
    problems = {name: [_("This time is in the future.")] for name in ("started_at", "submitted_at")
                if data[name] > latest}
    if data["started_at"] > data["submitted_at"]:
        problems.setdefault("started_at", []).append(_("Started after it was submitted."))
    if problems:
        raise Invalid(fields=problems)


def _distance_m(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def doubts(point: Point, row: dict, hashes: list[str]) -> list[str]:
    """Flags for offices (never a rejection): submitted far from the point, or photos taken long before."""
    config, flags = current_app.config, []
    if None not in (row["latitude"], point.latitude):
        distance = _distance_m(row["latitude"], row["longitude"], point.latitude, point.longitude)
        if distance > config.get("INSPECTION_MAX_DISTANCE_M", 500):
            flags.append("far_from_point")
    oldest_allowed = row["started_at"] - timedelta(hours=config.get("PHOTO_MAX_AGE_HOURS", 24))
    if hashes and db.session.scalar(select(Photo.id).where(Photo.sha256.in_(hashes), Photo.taken_at < oldest_allowed)
                                    .limit(1)):
        flags.append("old_photos")
    return flags


def submit(actor: User, data: dict) -> Submission:
    """Record a phone's inspection exactly once; open or update hazards for failed items."""
    fingerprint = content_hash(data)
    if existing := _by_uuid(data["client_uuid"]):
        return _replay(actor, existing, fingerprint)
    point, version = _point_and_version(actor, data)
    _check_times(data)
    check_results(version, data["results"])
    photo_lists = list(resolve_ref_lists(actor, {f"results.{i}.photos": r.get("photos") or []
                                                 for i, r in enumerate(data["results"])}).values())
    fixes = _fixes(actor, data["results"])
    location = data.get("location") or {}
    all_hashes = [h for hashes in photo_lists for h in hashes] + [h for fix in fixes.values() for h in fix["photos"]]
    row = {"client_uuid": data["client_uuid"], "content_hash": fingerprint, "point_id": point.id,
           "school_id": point.school_id, "template_version_id": version.id, "inspector_id": actor.id,
           "started_at": data["started_at"], "submitted_at": data["submitted_at"], "received_at": now(),
           "latitude": location.get("latitude"), "longitude": location.get("longitude"), "note": data.get("note", ""),
           "failed_count": sum(r["outcome"] == Outcome.failed for r in data["results"]),
           # Known before the row is written, so the INSERT carries them and no UPDATE follows.
           "status": InspectionStatus.awaiting_photos if all_hashes and missing_hashes(all_hashes)
           else InspectionStatus.complete}
    row["flags"] = ",".join(doubts(point, row, all_hashes))
    inspection = _insert_once(row)
    if inspection is None:  # the same client_uuid, sent again at the same moment, was written first
        return _replay(actor, _by_uuid(data["client_uuid"]), fingerprint)
    # What the answer shows is already loaded: no lazy load of them after the INSERT.
    set_committed_value(inspection, "point", point)
    set_committed_value(inspection, "template_version", version)
    hazards = _record_results(actor, point, version, inspection, data["results"], photo_lists, fixes)
    mark_inspected(point, inspection.submitted_at)
    return Submission(inspection, created=True, hazards=hazards, photos=bool(all_hashes))


def _insert_once(row: dict) -> Inspection | None:
    """The inspection's INSERT, or None when its client_uuid is already taken. The unique client_uuid settles
    replays that arrive together; ON CONFLICT DO NOTHING does it without a savepoint round trip each side."""
    statement = dialect_insert(Inspection).values(row).on_conflict_do_nothing(index_elements=["client_uuid"])
    # lazyload: its results are about to be written; the relationship's selectin would look for them now.
    return db.session.scalar(statement.returning(Inspection).options(lazyload(Inspection.results)))


def _result_row(inspection_id: int, item, result: dict) -> dict:
    value = result.get("value")
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return {"inspection_id": inspection_id, "item_id": item.id, "position": item.position,
            "outcome": result["outcome"], "note": result.get("note", ""), "value_number": number,
            "value_text": value if isinstance(value, str) else None}


def _fixes(actor: User, results: list[dict]) -> dict[int, dict]:
    """On-the-spot fixes by result index, their photos resolved (one look-up for all of them)."""
    named = {i: r["fixed_on_spot"] for i, r in enumerate(results) if r.get("fixed_on_spot")}
    if not named:
        return {}
    photos = resolve_ref_lists(actor, {f"results.{i}.fixed_on_spot.photos": fix["photos"] for i, fix in named.items()})
    return {i: {**fix, "photos": photos[f"results.{i}.fixed_on_spot.photos"]} for i, fix in named.items()}


def _record_results(actor, point, version, inspection, results, photo_lists, fixes) -> list[Hazard]:
    """All results in one INSERT (and their photos in one more), however long the checklist; the INSERT returns
    them as the inspection's results, so the answer reads them without a SELECT."""
    items = {item.id: item for item in version.items}
    rows = [_result_row(inspection.id, items[r["item_id"]], r) for r in results]
    # Rows as executemany parameters: SQLAlchemy sends them in one INSERT … VALUES (…), (…) RETURNING and caches
    # its compiled form (a multi-row .values() is compiled anew every time); render_nulls keeps rows with and
    # without a value in the same batch. Their order is not asked for (SQLite would then insert one by one): they
    # are matched by item.
    written = list(db.session.scalars(insert(InspectionResult).returning(InspectionResult)
                                      .execution_options(render_nulls=True), rows))
    set_committed_value(inspection, "results", sorted(written, key=lambda result: result.position))
    ids = {result.item_id: result.id for result in written}
    attach_photo_parts(point.school_id, PhotoSubject.inspection, inspection.id,
                       [(ids[r["item_id"]], hashes + fixes.get(i, {}).get("photos", []))
                        for i, (r, hashes) in enumerate(zip(results, photo_lists, strict=True))])
    hazards = []
    for index, (row, hashes) in enumerate(zip(rows, photo_lists, strict=True)):
        if row["outcome"] != Outcome.failed:
            continue
        item = items[row["item_id"]]
        if index in fixes:
            hazards.append(fix_on_the_spot(actor, point, item, inspection.id, row["note"], hashes, fixes[index]))
        else:
            hazards.append(open_from_failure(actor, point, item, inspection.id, row["note"], hashes)[0])
    return hazards


def complete_waiting(actor: User | None, sha256: str) -> int:
    """An arriving photo completes every inspection that waited only for photos now present (one UPDATE),
    each with its audit row: who sent the last photo, and which photo it was."""
    completed = db.session.execute(
        update(Inspection).where(Inspection.status == InspectionStatus.awaiting_photos,
                                 names_photo(PhotoSubject.inspection, Inspection.id, sha256),
                                 ~still_missing(PhotoSubject.inspection, Inspection.id))
        .values(status=InspectionStatus.complete).returning(Inspection.id, Inspection.school_id)
        .execution_options(synchronize_session=False)).all()
    for inspection_id, school_id in completed:
        record("inspection.completed", actor, object_type="inspection", object_id=inspection_id,
               school_id=school_id, from_status=InspectionStatus.awaiting_photos.value,
               to_status=InspectionStatus.complete.value, photo=sha256)
    return len(completed)


def found_hazards(inspection: Inspection) -> list[Hazard]:
    """Hazards this inspection opened or observed again."""
    ids = select(HazardEvent.hazard_id).where(HazardEvent.inspection_id == inspection.id).distinct()
    return list(db.session.scalars(select(Hazard).where(Hazard.id.in_(ids)).order_by(Hazard.id)))


# --- reading --------------------------------------------------------------------------------------------

def visible_inspections(actor: User, filters: dict) -> Select:
    query = select(Inspection).where(Inspection.school_id.in_(school_ids(actor)))
    for name in ("school_id", "point_id", "inspector_id", "status"):
        if (value := filters.get(name)) is not None:
            query = query.where(getattr(Inspection, name) == value)
    if since := filters.get("since"):
        query = query.where(Inspection.submitted_at >= since)
    if until := filters.get("until"):
        query = query.where(Inspection.submitted_at < until)
    if (failures := filters.get("with_failures")) is not None:
        query = query.where(Inspection.failed_count > 0 if failures else Inspection.failed_count == 0)
    if (flagged := filters.get("flagged")) is not None:
        query = query.where(Inspection.flags != "" if flagged else Inspection.flags == "")
    return query.order_by(Inspection.submitted_at.desc(), Inspection.id.desc())


def get_inspection(actor: User, inspection_id: int) -> Inspection:
    inspection = db.session.scalar(visible_inspections(actor, {}).where(Inspection.id == inspection_id))
    if inspection is None:
        raise NotFound()
    return inspection


def last_inspection(point: Point) -> Inspection | None:
    return db.session.scalar(select(Inspection).where(Inspection.point_id == point.id)
                             .order_by(Inspection.submitted_at.desc(), Inspection.id.desc()).limit(1))


def present(inspection: Inspection, with_details: bool = True, submission: Submission | None = None) -> Inspection:
    """Attach what the API shows beside the columns: photos per result, photos still expected, hazards found.

    A fresh submission already knows its hazards and whether it named photos, which spares the look-ups.
    """
    from ..photos.services import photos_of
    named_photos = submission is None or submission.photos
    photos = photos_of(PhotoSubject.inspection, inspection.id) if named_photos else {}
    inspection.missing_photos = [p["sha256"] for refs in photos.values() for p in refs if not p["uploaded"]]
    if with_details:
        for result in inspection.results:
            result.photos = photos.get(result.id, [])
        inspection.hazards = submission.hazards if submission else found_hazards(inspection)
    return inspection
