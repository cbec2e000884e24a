"""Photos on S3-compatible storage (a real local S3 server), and the orphan-file sweep."""
import hashlib
from datetime import timedelta

import pytest

from safety.core.clock import now
from safety.photos.services import storage
from safety.photos.storage import photo_keys
from safety.scheduler.registry import run_job
from tests.factories import jpeg_bytes, upload_photo

moto_server = pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_config(app, s3_endpoint, monkeypatch):
    import boto3
    bucket = f"photos-{now().strftime('%H%M%S%f')}"
    settings = {"PHOTO_STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY": "test", "S3_SECRET_KEY": "test", "S3_PREFIX": "city-a"}
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=bucket)
    return settings


def test_the_s3_store_keeps_the_storage_contract(s3_config):
    store = storage()
    store.put("abc/original", b"evidence")
    assert store.open("abc/original").read() == b"evidence" and store.size("abc/original") == 8
    assert store.exists("abc/original") and not store.exists("abc/missing")
    assert list(store.iter_keys()) == ["abc/original"]
    assert list(store.iter_keys(older_than=now() - timedelta(hours=1))) == []
    store.delete("abc/original")
    store.delete("abc/original")  # deleting twice is fine
    with pytest.raises(FileNotFoundError):
        store.open("abc/original")
    with pytest.raises(ValueError):
        store.put("../escape", b"x")


def test_uploads_and_downloads_through_the_api_on_s3(client, world, s3_config):
    headers = world.headers("officer_a")
    data = jpeg_bytes(seed=77)
    photo = upload_photo(client, headers, data).json
    with client.get(f"/api/v1/photos/{photo['id']}?size=original", headers=headers) as response:
        assert response.status_code == 200 and response.data == data
    assert storage().exists(photo_keys(hashlib.sha256(data).hexdigest())["thumb"])


def test_orphan_files_are_removed_after_the_grace_period_and_photos_stay(client, world):
    kept = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=78)).json
    orphan = hashlib.sha256(b"an upload that died before it committed").hexdigest()
    store = storage()
    for key in photo_keys(orphan).values():
        store.put(key, b"partial")
    assert run_job("remove_orphan_photos", now() + timedelta(hours=1)).rows_affected == 0  # within the grace
    assert run_job("remove_orphan_photos", now() + timedelta(hours=25)).rows_affected == 3
    assert not store.exists(photo_keys(orphan)["original"])
    assert all(store.exists(key) for key in photo_keys(kept["sha256"]).values())
