"""Photo uploads through HTTP: every bad kind of file is a clear 4xx in the one shape, and nothing is kept."""
import io
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from safety.extensions import db
from safety.photos.models import Photo
from tests.factories import jpeg_bytes, upload_photo
from tests.photos.test_processing import cut, encode, exif, png_claiming, scene


def _animated_png() -> bytes:
    frames = [Image.new("RGB", (64, 64), c) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("make,status,code", [
    (lambda: b"", 422, "photo_empty"),
    (lambda: b"<html><body>not a photo</body></html>", 415, "photo_unsupported_format"),
    (_zip, 415, "photo_unsupported_format"),
    (lambda: cut(jpeg_bytes(size=(800, 600)), 0.5), 422, "photo_corrupt"),
    (_animated_png, 422, "photo_animated"),
    (lambda: png_claiming(30_000, 30_000), 422, "photo_too_many_pixels"),
])
def test_bad_files_are_refused_clearly_and_nothing_is_kept(client, world, make, status, code):
    response = upload_photo(client, world.headers("officer_a"), make(), name="evidence.jpg")
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code and response.json["error"]["message"]
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_an_oversized_photo_is_413(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 50_000)  # a small limit keeps the test body in memory
    big = jpeg_bytes(size=(1600, 1200)) + bytes(range(256)) * 256
    assert len(big) > 50_000
    response = upload_photo(client, world.headers("officer_a"), big)
    assert response.status_code == 413 and response.json["error"]["code"] == "photo_too_large"


def test_a_body_over_the_request_limit_is_413(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    response = upload_photo(client, world.headers("officer_a"), jpeg_bytes(size=(1600, 1200)) * 3)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_a_photo_needs_a_multipart_file(client, world):
    headers = world.headers("officer_a")
    assert client.post("/api/v1/photos", json={"file": "x"}, headers=headers).status_code in (415, 422)
    missing = client.post("/api/v1/photos", data={}, headers=headers, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["error"]["fields"]


def test_the_format_comes_from_the_bytes_not_the_name(client, world):
    png = encode(scene((400, 300)), "PNG")
    response = upload_photo(client, world.headers("officer_a"), png, name="photo.jpg")
    assert response.status_code == 201 and response.json["format"] == "png"


def test_served_copies_have_no_exif_and_orientation_applied(client, world):
    gps = {1: "N", 2: (30.0, 16.0, 12.0), 3: "E", 4: (120.0, 9.0, 36.0)}
    data = encode(scene((1800, 1200)), "JPEG", exif=exif(orientation=6, gps=gps))
    headers = world.headers("officer_a")
    photo = upload_photo(client, headers, data).json
    assert (photo["width"], photo["height"]) == (1200, 1800)
    assert photo["latitude"] == pytest.approx(30.27, abs=0.01)
    for size in ("display", "thumb"):
        with client.get(f"/api/v1/photos/{photo['id']}?size={size}", headers=headers) as shown:
            image = Image.open(io.BytesIO(shown.data))
            assert image.height > image.width and not image.getexif()
    with client.get(f"/api/v1/photos/{photo['id']}?size=original", headers=headers) as original:
        assert original.data == data  # the evidence, byte for byte


def test_etag_and_cache_headers(client, world):
    headers = world.headers("officer_a")
    photo = upload_photo(client, headers, jpeg_bytes(seed=31)).json
    with client.get(f"/api/v1/photos/{photo['id']}?size=thumb", headers=headers) as first:
        etag = first.headers["ETag"]
        assert "private" in first.headers["Cache-Control"]
    with client.get(f"/api/v1/photos/{photo['id']}?size=thumb", headers={**headers, "If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_an_unused_photo_is_visible_only_to_its_uploader(client, world):
    photo = upload_photo(client, world.headers("officer_a"), jpeg_bytes(seed=32)).json
    with client.get(f"/api/v1/photos/{photo['id']}", headers=world.headers("officer_a")) as mine:
        assert mine.status_code == 200
    assert client.get(f"/api/v1/photos/{photo['id']}", headers=world.headers("principal_a")).status_code == 404
    assert client.get(f"/api/v1/photos/{photo['id']}?size=huge",
                      headers=world.headers("officer_a")).status_code == 422
