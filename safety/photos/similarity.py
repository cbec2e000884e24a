"""The same picture used as evidence twice: identical bytes (SHA-256) or a near-identical copy (perceptual hash
within a few bits: re-saved, re-compressed, slightly cropped). Campaign activities, hazards and drills all ask
these questions of their photos; each decides what a match means (a flag for the office, or a refusal).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from flask import current_app
from sqlalchemy import and_, select

from ..extensions import db
from .models import Photo, PhotoSubject, PhotoUse
from .processing import hamming

K = TypeVar("K")

DEFAULT_SIMILAR_BITS = 6  # of 64: re-saved copies differ by a few bits, different scenes by ~32

# Evidence of something done or found: a photo that proves one of these should not prove another.
EVIDENCE = (PhotoSubject.hazard, PhotoSubject.drill, PhotoSubject.campaign_activity)


def phashes(hashes: Iterable[str]) -> list[str]:
    """Perceptual hashes of those photos that have arrived."""
    return list(db.session.scalars(select(Photo.phash).where(Photo.sha256.in_(list(hashes)))))


def near(mine: list[str], candidates: Iterable[tuple[K, str]]) -> set[K]:
    """Keys of the (key, phash) candidates within SIMILAR_PHOTO_BITS of any of `mine`.

    Hamming distance cannot be computed portably in SQL, so candidates are fetched with their hashes and
    compared here: one XOR and a bit count per pair, a few hundred thousand pairs per second.
    """
    limit = current_app.config.get("SIMILAR_PHOTO_BITS", DEFAULT_SIMILAR_BITS)
    return {key for key, phash in candidates if any(hamming(m, phash) <= limit for m in mine)}


def uses_elsewhere(hashes: list[str], subject: PhotoSubject, subject_id: int) -> list[dict]:
    """Other evidence (hazards, drills, campaign activities) naming the same bytes, oldest first."""
    if not hashes:
        return []
    rows = db.session.execute(
        select(PhotoUse.subject_type, PhotoUse.subject_id).distinct()
        .where(PhotoUse.sha256.in_(hashes), PhotoUse.subject_type.in_(EVIDENCE),
               ~and_(PhotoUse.subject_type == subject, PhotoUse.subject_id == subject_id))
        .order_by(PhotoUse.subject_type, PhotoUse.subject_id)).all()
    return [{"subject": kind.value, "id": subject_id} for kind, subject_id in rows]
