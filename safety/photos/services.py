"""Photo evidence: upload (idempotent by content), references by id or SHA-256, who may see what."""
from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, insert, literal, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.scope import school_ids
from ..core.clock import now
from ..core.sql import insert_ignoring_conflicts
from ..core.types import UTCDateTime
from ..errors import Invalid, NotFound
from ..extensions import db
from .models import Photo, PhotoHolder, PhotoSubject, PhotoUse

SIZES = ("thumb", "display", "original")


def storage():
    from .storage import storage_from_config
    return storage_from_config(current_app.config)


def upload(actor: User, data: bytes) -> tuple[Photo, bool]:
    """Store a photo; the same bytes again return the existing photo. Returns (photo, created)."""
    from .processing import process_photo
    from .storage import photo_keys
    digest = hashlib.sha256(data).hexdigest()
    if existing := db.session.scalar(select(Photo).where(Photo.sha256 == digest)):
        _holds(actor, existing)
        return existing, False
    processed = process_photo(data, max_bytes=current_app.config["MAX_PHOTO_BYTES"])
    keys, store = photo_keys(digest), storage()
    # Files first, row second: a request that dies in between leaves only orphan files, which a job removes.
    store.put(keys["original"], data)
    store.put(keys["display"], processed.display)
    store.put(keys["thumb"], processed.thumbnail)
    photo = Photo(sha256=digest, format=processed.format, mime=processed.mime, width=processed.width,
                  height=processed.height, byte_size=processed.byte_size, taken_at=processed.taken_at,
                  latitude=processed.latitude, longitude=processed.longitude, phash=processed.phash,
                  uploaded_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:  # the same bytes uploaded concurrently: theirs won, ours is the same photo
        existing = db.session.scalar(select(Photo).where(Photo.sha256 == digest))
        _holds(actor, existing)
        return existing, False
    return photo, True


def _holds(actor: User | None, photo: Photo) -> None:
    """Whoever sends bytes the server already has holds them too (anonymous reporters hold nothing)."""
    if actor is not None and actor.id != photo.uploaded_by_id:
        insert_ignoring_conflicts(PhotoHolder, ["sha256", "user_id", "sent_at"],
                                  select(literal(photo.sha256), literal(actor.id), literal(now(), UTCDateTime())))


def resolve_refs(actor: User, refs: list[int | str], field: str) -> list[str]:
    """Photo ids and SHA-256s (as the schemas load them) to SHA-256s of photos the actor may use: ones they
    uploaded or may see. A SHA-256 the server has not received names a photo still to come from an offline
    phone; a SHA-256 of a photo the actor may not see is refused exactly like such an id (never attached, so
    never shown through the new use)."""
    return resolve_ref_lists(actor, {field: refs})[field]


def resolve_ref_lists(actor: User, lists: dict[str, list[int | str]]) -> dict[str, list[str]]:
    """`resolve_refs` for several fields at once (a submission's results): one look-up for all of them."""
    refs = [ref for values in lists.values() for ref in values]
    named = [ref for ref in refs if isinstance(ref, str)]
    ids = [ref for ref in refs if not isinstance(ref, str)]
    usable: dict[int | str, str] = {}
    if named:
        usable.update((h, h) for h in db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(named),
                                                                                    _usable(actor))))
    if ids:
        usable.update(db.session.execute(select(Photo.id, Photo.sha256).where(Photo.id.in_(ids), _usable(actor))).all())
    arrived = set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(named)))) - set(usable) if named \
        else set()
    resolved, problems = {}, {}
    for field, values in lists.items():
        hashes = []
        for index, ref in enumerate(values):
            if ref in usable:
                hashes.append(usable[ref])
            elif isinstance(ref, str) and ref not in arrived:
                hashes.append(ref)
            else:
                problems[f"{field}.{index}"] = [_("No photo you may use has this id or SHA-256.")]
        resolved[field] = list(dict.fromkeys(hashes))
    if problems:
        raise Invalid(fields=problems)
    return resolved


def attach_photos(hashes: list[str], school_id: int, subject: PhotoSubject, subject_id: int,
                  part_id: int | None = None) -> None:
    attach_photo_parts(school_id, subject, subject_id, [(part_id, hashes)])


def attach_photo_parts(school_id: int, subject: PhotoSubject, subject_id: int,
                       parts: list[tuple[int | None, list[str]]]) -> None:
    """The photos named by each part of a subject (e.g. each result of an inspection), in one INSERT."""
    rows = [{"sha256": h, "school_id": school_id, "subject_type": subject, "subject_id": subject_id,
             "part_id": part_id} for part_id, hashes in parts for h in hashes]
    if rows:
        db.session.execute(insert(PhotoUse).values(rows))


def photos_of(subject: PhotoSubject, subject_id: int) -> dict[int | None, list[dict]]:
    """Photos named by a subject, grouped by part (result, event), in the order they were named."""
    rows = db.session.execute(
        select(PhotoUse.part_id, PhotoUse.sha256, Photo.id).outerjoin(Photo, Photo.sha256 == PhotoUse.sha256)
        .where(PhotoUse.subject_type == subject, PhotoUse.subject_id == subject_id).order_by(PhotoUse.id)).all()
    grouped: dict[int | None, list[dict]] = {}
    for part_id, sha256, photo_id in rows:
        grouped.setdefault(part_id, []).append({"sha256": sha256, "id": photo_id, "uploaded": photo_id is not None})
    return grouped


def _usable(actor: User):
    """Its uploader's and anyone's who sent the same bytes, and anyone's who may see a school where it is used."""
    used_where_visible = exists().where(PhotoUse.sha256 == Photo.sha256, PhotoUse.school_id.in_(school_ids(actor)))
    holds = exists().where(PhotoHolder.sha256 == Photo.sha256, PhotoHolder.user_id == actor.id)
    return (Photo.uploaded_by_id == actor.id) | holds | used_where_visible


def _visible(actor: User, photo_id: int) -> Photo | None:
    return db.session.scalar(select(Photo).where(Photo.id == photo_id, _usable(actor)))


def get_visible(actor: User, photo_id: int) -> Photo:
    """Visible to its uploader and to anyone who may see an inspection or hazard that uses it."""
    photo = _visible(actor, photo_id)
    if photo is None:
        raise NotFound()
    return photo


def open_copy(photo: Photo, size: str):
    from .storage import photo_keys
    return storage().open(photo_keys(photo.sha256)[size])


def read_copy(sha256: str, size: str) -> bytes | None:
    """A stored copy's bytes for a printed document; None when its file is gone (the document leaves it out)."""
    from .storage import photo_keys
    try:
        with storage().open(photo_keys(sha256)[size]) as stored:
            return stored.read()
    except OSError:
        return None


def missing_hashes(hashes: list[str]) -> list[str]:
    present = set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(hashes))))
    return [h for h in hashes if h not in present]


def still_missing(subject: PhotoSubject, subject_id):
    """SQL: the subject names a photo that has not arrived yet (`subject_id` may be a column)."""
    return exists().where(PhotoUse.subject_type == subject, PhotoUse.subject_id == subject_id,
                          ~exists().where(Photo.sha256 == PhotoUse.sha256))


def names_photo(subject: PhotoSubject, subject_id, sha256: str):
    """SQL: the subject names the photo `sha256` (`subject_id` may be a column)."""
    return exists().where(PhotoUse.subject_type == subject, PhotoUse.subject_id == subject_id,
                          PhotoUse.sha256 == sha256)
