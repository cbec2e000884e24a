"""Where photo files live.

Callers see only the PhotoStorage protocol and `storage_from_config`: the folder store (default) and S3-compatible
object storage (safety/photos/s3.py) are chosen by configuration alone.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

SUPPORTED = ("folder", "s3")
MAX_KEY_LENGTH = 512
# Segments of lower-case letters, digits, ".", "_" and "-", never starting with ".": no "." or ".." segment, no
# hidden files, no absolute path, no backslash; whatever a key came from, it stays under the storage root.
# A segment is a file or folder name, so at most 255 characters long.
_SEGMENT = r"[a-z0-9_-][a-z0-9._-]{0,254}"
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class PhotoStorage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing what was there: all or nothing, and safe to repeat."""

    def open(self, key: str) -> BinaryIO:
        """Read a stored object; FileNotFoundError when there is none."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""

    def delete(self, key: str) -> None:
        """Remove an object; nothing happens when it is already gone."""

    def size(self, key: str) -> int:
        """The object's length in bytes; FileNotFoundError when there is none."""

    def iter_keys(self, older_than: datetime | None = None) -> Iterator[str]:
        """Every stored key, or those last written before `older_than` (aware): the input of an orphan sweep."""


def check_key(key: str) -> str:
    """Return `key` if it is a valid storage key, else raise ValueError."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or ".." in key or not _KEY.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


def photo_keys(sha256: str) -> dict[str, str]:
    """The keys of one photo's files. Content-addressed, so the same upload twice is stored once."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lower-case hex SHA-256: {sha256!r}")
    return {"original": f"{sha256}/original", "display": f"{sha256}/display.jpg", "thumb": f"{sha256}/thumb.jpg"}


def storage_from_config(config: Mapping) -> PhotoStorage:
    """The storage named by PHOTO_STORAGE: "folder" (default, PHOTO_STORAGE_DIR) or "s3" (S3_* settings)."""
    kind = config.get("PHOTO_STORAGE", "folder")
    if kind == "folder":
        return FolderStorage(config["PHOTO_STORAGE_DIR"])
    if kind == "s3":
        from .s3 import S3Storage
        return S3Storage.from_config(config)
    raise ValueError(f"PHOTO_STORAGE={kind!r} is not supported; supported: {', '.join(SUPPORTED)}")


class FolderStorage:
    """Objects as files under `root`, in two levels of folders named by a hash of the key's first segment.

    Hashing spreads any key scheme evenly, so no folder grows huge, while keys that share a first segment (one
    photo's original, display copy and thumbnail) share a folder. Keys should therefore start with a unique id,
    as `photo_keys` does. Files are private to the service user (mode 0600): originals carry GPS positions.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write a hidden temp file in the same folder, flush it to disk, then rename it over the key: readers see
        # the old file or the new one, never half of one, and a crash leaves at most a stray temp file.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _fsync_folder(path.parent)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def iter_keys(self, older_than: datetime | None = None) -> Iterator[str]:
        if older_than is not None and older_than.tzinfo is None:
            raise ValueError("older_than must be timezone-aware")
        for folder, _subfolders, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                key = self._key_of(path)
                if key is not None and (older_than is None or _modified_before(path, older_than)):
                    yield key

    def _path(self, key: str) -> Path:
        fan = hashlib.sha256(check_key(key).split("/", 1)[0].encode()).hexdigest()
        return self.root / fan[:2] / fan[2:4] / key

    def _key_of(self, path: Path) -> str | None:
        """The key stored at `path`, or None for temp files and anything not put there by put()."""
        key = "/".join(path.relative_to(self.root).parts[2:])
        try:
            return key if self._path(key) == path else None
        except ValueError:
            return None


def _modified_before(path: Path, moment: datetime) -> bool:
    try:
        return path.stat().st_mtime < moment.timestamp()
    except FileNotFoundError:  # deleted while we were walking
        return False


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable, so a key the caller has recorded still exists after a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
