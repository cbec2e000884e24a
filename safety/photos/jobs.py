"""Housekeeping of photo files: an upload whose request died leaves files without a row; remove them later."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..scheduler.registry import job
from .models import Photo
from .services import storage

BATCH = 500


@job("remove_orphan_photos", "cron", "Remove photo files left by uploads that never committed", hour=3, minute=30)
def remove_orphan_photos(as_of: datetime) -> int:
    """Files older than the grace period whose SHA-256 has no photo row are deleted, a batch of keys at a time
    (one query per batch). The grace period covers uploads still between writing their files and committing."""
    store = storage()
    cutoff = as_of - timedelta(hours=current_app.config.get("PHOTO_ORPHAN_GRACE_HOURS", 24))
    removed, batch = 0, []
    for key in store.iter_keys(older_than=cutoff):
        batch.append(key)
        if len(batch) == BATCH:
            removed += _remove_unknown(store, batch)
            batch = []
    return removed + _remove_unknown(store, batch)


def _remove_unknown(store, keys: list[str]) -> int:
    digests = {key.split("/", 1)[0] for key in keys}
    known = set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(digests))))
    orphans = [key for key in keys if key.split("/", 1)[0] not in known]
    for key in orphans:
        store.delete(key)
    return len(orphans)
