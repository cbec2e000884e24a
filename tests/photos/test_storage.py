"""Photo storage: a folder today, object storage later, the same behaviour for callers."""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest

from safety.photos.storage import FolderStorage, check_key, photo_keys, storage_from_config

SHA = "ab" * 32


@pytest.fixture
def storage(tmp_path):
    return FolderStorage(tmp_path / "photos")


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_an_object_can_be_put_read_measured_and_deleted(storage):
    key = photo_keys(SHA)["original"]
    assert not storage.exists(key)
    storage.put(key, b"evidence")
    assert storage.exists(key)
    assert storage.size(key) == 8
    with storage.open(key) as file:
        assert file.read() == b"evidence"
    storage.delete(key)
    assert not storage.exists(key)


def test_a_missing_object_cannot_be_read_but_deleting_it_again_is_fine(storage):
    with pytest.raises(FileNotFoundError):
        storage.open("nothing")
    with pytest.raises(FileNotFoundError):
        storage.size("nothing")
    storage.delete("nothing")


def test_putting_again_replaces_the_object_whole(storage):
    storage.put("photo", b"first version")
    with storage.open("photo") as reader:
        storage.put("photo", b"second")
        assert reader.read() == b"first version"  # a reader keeps the file it opened, never a mix
    with storage.open("photo") as file:
        assert file.read() == b"second"
    assert len(files_under(storage.root)) == 1  # no temp file left behind


def test_putting_the_same_bytes_twice_is_harmless(storage):
    storage.put("photo", b"same")
    storage.put("photo", b"same")
    assert storage.size("photo") == 4
    assert len(files_under(storage.root)) == 1


def test_a_failed_write_keeps_the_old_object_and_leaves_no_temp_file(storage, monkeypatch):
    storage.put("photo", b"old")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        storage.put("photo", b"new")
    monkeypatch.undo()
    with storage.open("photo") as file:
        assert file.read() == b"old"
    assert len(files_under(storage.root)) == 1


def test_files_fan_out_into_two_folder_levels_and_a_photos_copies_share_one(storage):
    for key in photo_keys(SHA).values():
        storage.put(key, b"x")
    storage.put(photo_keys("cd" * 32)["original"], b"y")
    paths = files_under(storage.root)
    assert len(paths) == 4
    for path in paths:
        assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}/[a-z.]+", path)
    assert len({os.path.dirname(path) for path in paths}) == 2


@pytest.mark.parametrize("key", [
    "", "../x", "a/../../b", "/etc/passwd", "a\\b", "..\\..\\x", "C:/x", "Photo", "ABC/def", "a//b", "a/", "/a",
    ".hidden", "a/.tmp", ".", "..", "a/./b", "a..b", "a b", "a\x00b", "~/x", "a\nb", "ü", None,
    "x" * 256, "/".join(["x" * 200] * 3),  # longer than a file name, longer than a key
])
def test_a_key_out_of_the_safe_form_is_refused_and_nothing_is_written(storage, key, tmp_path):
    for call in (lambda: storage.put(key, b"x"), lambda: storage.open(key), lambda: storage.exists(key),
                 lambda: storage.delete(key), lambda: storage.size(key)):
        with pytest.raises(ValueError, match="invalid storage key"):
            call()
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("key", ["a", "abc", "ab/cd/ef.jpg", "0-9_x.y", SHA + "/display.jpg", "x" * 255,
                                 "/".join(["x" * 100] * 5)])
def test_ordinary_keys_are_accepted(storage, key):
    assert check_key(key) == key
    storage.put(key, b"x")
    assert list(storage.iter_keys()) == [key]


def test_iter_keys_lists_stored_keys_only(storage):
    keys = photo_keys(SHA)
    for key in keys.values():
        storage.put(key, b"x")
    folder = next(storage.root.rglob("original")).parent
    (folder / ".tmp123.tmp").write_bytes(b"a write a crash interrupted")
    (storage.root / "README").write_text("not a stored object")
    assert sorted(storage.iter_keys()) == sorted(keys.values())


def test_iter_keys_can_list_only_old_objects_for_an_orphan_sweep(storage):
    storage.put("old", b"x")
    storage.put("new", b"x")
    long_ago = (datetime.now(UTC) - timedelta(days=3)).timestamp()
    os.utime(next(storage.root.rglob("old")), (long_ago, long_ago))
    assert list(storage.iter_keys(older_than=datetime.now(UTC) - timedelta(days=1))) == ["old"]
    with pytest.raises(ValueError, match="timezone-aware"):
        list(storage.iter_keys(older_than=datetime.now()))  # naive: the point of the test


def test_an_empty_or_missing_root_has_no_keys(tmp_path):
    assert list(FolderStorage(tmp_path / "not yet created").iter_keys()) == []


def test_photo_keys_name_the_three_files_of_one_photo():
    assert photo_keys(SHA) == {"original": f"{SHA}/original", "display": f"{SHA}/display.jpg",
                               "thumb": f"{SHA}/thumb.jpg"}
    assert all(check_key(key) for key in photo_keys(SHA).values())


@pytest.mark.parametrize("digest", ["AB" * 32, "ab" * 31, "zz" * 32, "../" + "a" * 61, ""])
def test_photo_keys_need_a_lower_case_sha256(digest):
    with pytest.raises(ValueError, match="SHA-256"):
        photo_keys(digest)


def test_storage_from_config_is_a_folder_by_default(tmp_path):
    storage = storage_from_config({"PHOTO_STORAGE_DIR": str(tmp_path / "p")})
    assert isinstance(storage, FolderStorage) and storage.root == tmp_path / "p"
    assert storage_from_config({"PHOTO_STORAGE": "folder", "PHOTO_STORAGE_DIR": tmp_path}).root == tmp_path


def test_storage_from_config_names_the_supported_kinds():
    with pytest.raises(ValueError, match="'ftp' is not supported; supported: folder, s3"):
        storage_from_config({"PHOTO_STORAGE": "ftp", "PHOTO_STORAGE_DIR": "/tmp/x"})
