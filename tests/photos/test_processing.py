"""The photo pipeline: what is accepted, what is refused and why, and what the served copies look like."""
from __future__ import annotations

import hashlib
import io
import math
import random
import struct
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFile, ImageOps, ImageStat
from PIL.TiffImagePlugin import IFDRational

from safety.errors import Invalid, TooLarge, UnsupportedMedia
from safety.photos.processing import hamming, process_photo

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
MB = 2**20
RED, BLUE = (255, 0, 0), (0, 0, 255)
SHANGHAI_GPS = {1: "N", 2: (31.0, 14.0, 6.0), 3: "E", 4: (121.0, 28.0, 30.0)}  # 31.235 N, 121.475 E


# Making test images -------------------------------------------------------------------------------------------

def scene(size=(1800, 1200), seed=0) -> Image.Image:
    """A grey collage (structure for the phash) with a red marker in the top-left and a blue one in the
    top-right corner, so that each of the eight rotations and mirrors puts them in a different pair of corners."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (128, 128, 128))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle((x, y, x + rng.randrange(width // 3), y + rng.randrange(height // 3)),
                       fill=(rng.randrange(256),) * 3)
    mark = min(size) // 8
    draw.rectangle((0, 0, mark, mark), fill=RED)
    draw.rectangle((width - 1 - mark, 0, width - 1, mark), fill=BLUE)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif(orientation=None, taken=None, offset=None, gps=None) -> Image.Exif:
    tags = Image.Exif()
    if orientation:
        tags[0x0112] = orientation
    if taken:
        tags[0x8769] = {0x9003: taken} | ({0x9011: offset} if offset else {})
    if gps:
        tags[0x8825] = gps
    return tags


def png_claiming(width: int, height: int) -> bytes:
    """A real 8×8 PNG whose header claims another size (its CRC fixed, so only the size is a lie)."""
    data = bytearray(encode(Image.new("RGB", (8, 8)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"not a photo")
    return buffer.getvalue()


def cut(data: bytes, keep: float) -> bytes:
    return data[:int(len(data) * keep)]


def process(data: bytes, **limits):
    return process_photo(data, **{"max_bytes": 25 * MB} | limits)


def opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image


def corner_colours(image: Image.Image) -> dict[str, str]:
    """The corners in which the red and the blue marker show."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    dx, dy = round(width * 0.03), round(height * 0.03)
    corners = {"top-left": (dx, dy), "top-right": (width - 1 - dx, dy),
               "bottom-left": (dx, height - 1 - dy), "bottom-right": (width - 1 - dx, height - 1 - dy)}
    found = {}
    for corner, xy in corners.items():
        r, g, b = rgb.getpixel(xy)
        if r > 200 and g < 60 and b < 60:
            found["red"] = corner
        if b > 200 and r < 60 and g < 60:
            found["blue"] = corner
    return found


def near(actual, expected, tolerance=12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute grey-level difference of two pictures shrunk to 48 px wide (0 = same, 255 = opposite)."""
    size = (48, round(48 * a.height / a.width))
    small = [image.convert("L").resize(size, Image.Resampling.BOX) for image in (a, b)]
    return ImageStat.Stat(ImageChops.difference(*small)).mean[0]


# Accepted photos ----------------------------------------------------------------------------------------------

def test_a_phone_jpeg_is_accepted_with_its_facts():
    data = encode(scene())
    photo = process(data)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert (photo.format, photo.mime, photo.byte_size) == ("jpeg", "image/jpeg", len(data))
    assert (photo.width, photo.height) == (1800, 1200)
    assert opened(photo.display).size == (1600, 1067)
    assert opened(photo.thumbnail).size == (320, 213)
    assert len(photo.phash) == 16
    again = process(data)
    assert (again.sha256, again.phash) == (photo.sha256, photo.phash)  # same bytes, same digest and phash
    assert process(encode(scene(), quality=90)).sha256 != photo.sha256


@pytest.mark.parametrize(("fmt", "params", "name", "mime"), [
    ("PNG", {}, "png", "image/png"),
    ("WEBP", {"quality": 90}, "webp", "image/webp"),
    ("WEBP", {"lossless": True}, "webp", "image/webp"),
    ("HEIF", {"quality": 90}, "heif", "image/heif"),
])
def test_png_webp_and_heic_are_accepted_with_their_metadata(fmt, params, name, mime):
    tags = exif(taken="2024:03:05 14:30:00", offset="+08:00", gps=SHANGHAI_GPS)
    photo = process(encode(scene((900, 600)), fmt, exif=tags, **params))
    assert (photo.format, photo.mime, photo.width, photo.height) == (name, mime, 900, 600)
    assert photo.taken_at == datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    assert (photo.latitude, photo.longitude) == (pytest.approx(31.235), pytest.approx(121.475))
    display = opened(photo.display)
    assert display.size == (900, 600)  # small photos are never enlarged
    assert corner_colours(display) == {"red": "top-left", "blue": "top-right"}


def test_a_jpeg_with_a_gain_map_is_one_photo_not_an_animation():
    """Phones store HDR gain maps and depth maps as extra JPEGs after the photo (MPO); they are kept, not refused."""
    data = encode(scene(), "MPO", save_all=True, append_images=[Image.new("L", (450, 300), 128)])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    photo = process(data)
    assert (photo.format, photo.mime, photo.width, photo.height) == ("jpeg", "image/jpeg", 1800, 1200)


@pytest.mark.parametrize(("size", "display", "thumbnail"), [
    ((4000, 3000), (1600, 1200), (320, 240)),
    ((3000, 4000), (1200, 1600), (240, 320)),
    ((640, 480), (640, 480), (320, 240)),
    ((200, 100), (200, 100), (200, 100)),
])
def test_copies_fit_their_long_side_limits_and_are_never_enlarged(size, display, thumbnail):
    photo = process(encode(scene(size)))
    assert opened(photo.display).size == display
    assert opened(photo.thumbnail).size == thumbnail


def test_the_display_copy_has_no_seam_where_its_parallel_bands_meet():
    """It is made in horizontal bands on several threads. Smooth stripes make any row out of place at a band's
    edge stand out, while the pipeline's other differences from one plain resize stay small."""
    stripes = bytes(round(128 + 100 * math.sin(2 * math.pi * y / 64)) for y in range(3200))
    original = Image.frombytes("L", (1, 3200), stripes).resize((2400, 3200)).convert("RGB")
    display = opened(process(encode(original, quality=95)).display)
    whole = original.resize(display.size, Image.Resampling.LANCZOS)
    row_means = ImageChops.difference(display, whole).convert("L").resize((1, display.height), Image.Resampling.BOX)
    assert max(row_means.tobytes()) <= 2


# Orientation --------------------------------------------------------------------------------------------------

def test_a_photo_taken_sideways_is_shown_upright():
    """Orientation 6: the stored 1800×1200 pixels must be turned 90° clockwise to be seen as taken."""
    photo = process(encode(scene(), exif=exif(orientation=6)))
    assert (photo.width, photo.height) == (1200, 1800)
    display = opened(photo.display)
    assert display.size == (1067, 1600)
    assert corner_colours(display) == {"red": "top-right", "blue": "bottom-right"}
    assert corner_colours(opened(photo.thumbnail)) == {"red": "top-right", "blue": "bottom-right"}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied_like_pillows_exif_transpose(fmt, orientation):
    data = encode(scene((600, 400)), fmt, exif=exif(orientation=orientation))
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    photo = process(data)
    display = opened(photo.display)
    assert (photo.width, photo.height) == display.size == expected.size
    assert corner_colours(display) == corner_colours(expected)
    assert len(corner_colours(display)) == 2


# Metadata -----------------------------------------------------------------------------------------------------

def test_served_copies_carry_no_metadata():
    """GPS, device and capture time are personal: only the pixels may reach the copies we serve."""
    tags = exif(orientation=6, taken="2024:03:05 14:30:00", offset="+08:00", gps=SHANGHAI_GPS)
    tags[0x010F] = "SecretPhone"  # Make
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(scene(), exif=tags, icc_profile=icc, comment=b"inspector's note",
                  xmp=b"<x:xmpmeta>at home</x:xmpmeta>")
    secrets = (b"Exif\x00\x00", b"SecretPhone", b"2024:03:05", b"ICC_PROFILE", b"inspector's note", b"xmpmeta")
    assert all(secret in data for secret in secrets)
    photo = process(data)
    for copy in (photo.display, photo.thumbnail):
        image = opened(copy)
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & image.info.keys()
        assert not [secret for secret in secrets if secret in copy]


@pytest.mark.parametrize(("refs", "signs"), [(("N", "E"), (1, 1)), (("S", "W"), (-1, -1)), (("N", "W"), (1, -1)),
                                             (("S", "E"), (-1, 1))])
def test_the_gps_position_is_signed_by_its_hemisphere(refs, signs):
    gps = SHANGHAI_GPS | {1: refs[0], 3: refs[1]}
    photo = process(encode(scene((300, 200)), exif=exif(gps=gps)))
    assert photo.latitude == pytest.approx(signs[0] * 31.235)
    assert photo.longitude == pytest.approx(signs[1] * 121.475)


@pytest.mark.parametrize("gps", [
    pytest.param(None, id="no GPS"),
    pytest.param({2: (31.0, 14.0, 6.0), 4: (121.0, 28.0, 30.0)}, id="no hemisphere"),
    pytest.param({1: "N", 2: (31.0, 14.0, 6.0)}, id="latitude only"),
    pytest.param(SHANGHAI_GPS | {1: "Q"}, id="unknown hemisphere"),
    pytest.param(SHANGHAI_GPS | {2: (IFDRational(31, 0), 0.0, 0.0)}, id="zero denominator"),
    pytest.param(SHANGHAI_GPS | {2: (95.0, 0.0, 0.0)}, id="beyond the pole"),
])
def test_a_missing_or_malformed_gps_position_is_none(gps):
    photo = process(encode(scene((300, 200)), exif=exif(gps=gps)))
    assert (photo.latitude, photo.longitude) == (None, None)


@pytest.mark.parametrize(("taken", "offset", "expected"), [
    pytest.param("2024:03:05 14:30:00", "+08:00", datetime(2024, 3, 5, 6, 30, tzinfo=UTC), id="China offset"),
    pytest.param("2024:03:05 14:30:00", "-04:00", datetime(2024, 3, 5, 18, 30, tzinfo=UTC), id="other offset"),
    pytest.param("2024:03:05 14:30:00", None, datetime(2024, 3, 5, 6, 30, tzinfo=UTC), id="no offset: China time"),
    pytest.param("2024:03:05 14:30:00", "+99:00", datetime(2024, 3, 5, 6, 30, tzinfo=UTC), id="bad offset: none"),
    pytest.param("0000:00:00 00:00:00", "+08:00", None, id="zero date"),
    pytest.param("yesterday", None, None, id="not a date"),
    pytest.param(None, None, None, id="no capture time"),
])
def test_the_capture_time_is_aware_utc(taken, offset, expected):
    photo = process(encode(scene((300, 200)), exif=exif(taken=taken, offset=offset)))
    assert photo.taken_at == expected
    assert photo.taken_at is None or photo.taken_at.utcoffset().total_seconds() == 0


# Colour modes -------------------------------------------------------------------------------------------------

def _with_square(mode: str, background, square) -> Image.Image:
    image = Image.new(mode, (400, 300), background)
    ImageDraw.Draw(image).rectangle((100, 75, 300, 225), fill=square)
    return image


def _palette_with_transparency() -> bytes:
    image = _with_square("P", 0, 1)
    image.putpalette([0, 0, 0, 0, 0, 255])
    return encode(image, "PNG", transparency=0)


@pytest.mark.parametrize(("make", "corner", "centre"), [
    pytest.param(lambda: encode(_with_square("RGBA", (0, 0, 0, 0), (0, 0, 255, 255)), "PNG"),
                 (255, 255, 255), BLUE, id="RGBA PNG: transparency on white"),
    pytest.param(lambda: encode(_with_square("RGBA", (0, 0, 0, 0), (0, 0, 255, 255)), "WEBP", lossless=True),
                 (255, 255, 255), BLUE, id="RGBA WebP"),
    pytest.param(_palette_with_transparency, (255, 255, 255), BLUE, id="palette PNG with transparency"),
    pytest.param(lambda: encode(_with_square("LA", (0, 0), (60, 255)), "PNG"),
                 (255, 255, 255), (60, 60, 60), id="grey + alpha PNG"),
    pytest.param(lambda: encode(_with_square("I;16", 8192, 32768), "PNG"),
                 (32, 32, 32), (128, 128, 128), id="16-bit grey PNG: scaled, not clipped"),
    pytest.param(lambda: encode(_with_square("CMYK", (0, 0, 0, 0), (0, 255, 255, 0))),
                 (255, 255, 255), RED, id="CMYK JPEG"),
    pytest.param(lambda: encode(_with_square("1", 1, 0), "PNG"), (255, 255, 255), (0, 0, 0), id="1-bit PNG"),
    pytest.param(lambda: encode(_with_square("L", 255, 0)), (255, 255, 255), (0, 0, 0), id="grey JPEG"),
])
def test_every_colour_mode_becomes_plain_rgb(make, corner, centre):
    display = opened(process(make()).display)
    assert display.mode == "RGB"
    assert near(display.getpixel((5, 5)), corner)
    assert near(display.getpixel((200, 150)), centre)


@pytest.mark.parametrize("icc", [
    pytest.param(b"garbage" * 100, id="garbage"),
    pytest.param(random.Random(1).randbytes(100_000), id="100 kB of garbage"),
    pytest.param(ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes(), id="a Lab profile on RGB"),
])
def test_a_broken_or_mismatched_colour_profile_costs_colour_accuracy_not_the_photo(icc):
    display = opened(process(encode(_with_square("RGB", (255, 255, 255), BLUE), icc_profile=icc)).display)
    assert near(display.getpixel((5, 5)), (255, 255, 255))
    assert near(display.getpixel((200, 150)), BLUE)


# Perceptual hash ----------------------------------------------------------------------------------------------

def test_a_resaved_smaller_copy_has_a_close_phash_and_another_photo_a_far_one():
    original = process(encode(scene(), quality=92))
    reused = process(encode(scene().resize((900, 600)), "WEBP", quality=50))
    other = process(encode(scene(seed=1), quality=92))
    assert hamming(original.phash, reused.phash) <= 4
    assert hamming(original.phash, other.phash) >= 20


def test_hamming_counts_the_bits_that_differ():
    assert hamming("0" * 16, "0" * 16) == 0
    assert hamming("0" * 16, "f" * 16) == 64
    assert hamming("8000000000000001", "0000000000000000") == 2


# Refused uploads ----------------------------------------------------------------------------------------------

def test_an_empty_upload_is_invalid():
    with pytest.raises(Invalid) as error:
        process(b"")
    assert (error.value.status, error.value.code) == (422, "photo_empty")


def test_an_upload_over_the_byte_limit_is_too_large_before_anything_else():
    data = encode(scene((300, 200)))
    assert process(data, max_bytes=len(data)).byte_size == len(data)
    with pytest.raises(TooLarge) as error:
        process(b"not even an image" * MB, max_bytes=MB)
    assert (error.value.status, error.value.code) == (413, "photo_too_large")
    assert "1 MB" in str(error.value.message)


@pytest.mark.parametrize("make", [
    pytest.param(lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="HTML"),
    pytest.param(zip_file, id="ZIP"),
    pytest.param(lambda: b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", id="PDF"),
    pytest.param(lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', id="SVG"),
    pytest.param(lambda: encode(scene((60, 40)), "GIF"), id="GIF"),
    pytest.param(lambda: encode(scene((60, 40)), "BMP"), id="BMP"),
    pytest.param(lambda: encode(scene((60, 40)), "TIFF"), id="TIFF"),
    pytest.param(lambda: b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64), id="AVIF"),
    pytest.param(lambda: random.Random(0).randbytes(4096), id="random bytes"),
])
def test_anything_but_an_allowed_image_is_unsupported_media(make):
    with pytest.raises(UnsupportedMedia) as error:
        process(make())
    assert (error.value.status, error.value.code) == (415, "photo_unsupported_format")


def _mpo_with_its_gain_map_cut() -> bytes:
    data = encode(scene(), "MPO", save_all=True, append_images=[scene((900, 600), seed=2)])
    return data[:-500]


@pytest.mark.parametrize("make", [
    pytest.param(lambda: cut(encode(scene()), 0.6), id="JPEG cut"),
    pytest.param(lambda: encode(scene())[:-2], id="JPEG without its end marker"),
    pytest.param(lambda: cut(encode(scene(), progressive=True), 0.6), id="progressive JPEG cut"),
    pytest.param(lambda: encode(scene())[:600] + random.Random(0).randbytes(20_000), id="JPEG header, noise"),
    pytest.param(lambda: b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", id="JPEG magic, HTML"),
    pytest.param(_mpo_with_its_gain_map_cut, id="MPO with its gain map cut"),
    pytest.param(lambda: cut(encode(scene(), "PNG"), 0.5), id="PNG cut"),
    pytest.param(lambda: encode(scene(), "PNG")[:-12], id="PNG without its end chunk"),
    pytest.param(lambda: png_claiming(8, 8)[:29] + b"\x00\x00\x00\x00" + png_claiming(8, 8)[33:], id="PNG bad CRC"),
    pytest.param(lambda: cut(encode(scene(), "WEBP"), 0.9), id="WebP cut"),
    pytest.param(lambda: cut(encode(scene((900, 600)), "HEIF"), 0.9), id="HEIC cut"),
    # iPhones store a grid of tiles, and libheif paints a missing tile green instead of failing.
    pytest.param(lambda: cut(encode(scene((900, 600)), "HEIF", tile_size=256), 0.9), id="tiled HEIC cut"),
    pytest.param(lambda: encode(scene((900, 600)), "HEIF", tile_size=256)[:-1], id="tiled HEIC short by a byte"),
    pytest.param(lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free" * 10**6,
                 id="HEIC of a million empty boxes"),
])
def test_a_damaged_or_cut_off_image_is_invalid(make):
    with pytest.raises(Invalid) as error:
        process(make())
    assert (error.value.status, error.value.code) == (422, "photo_corrupt")


def test_nothing_is_accepted_while_pillow_is_told_to_load_truncated_images(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        process(encode(scene((300, 200))))


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
@pytest.mark.parametrize("progressive", [False, True])
def test_a_cut_off_jpeg_is_caught_although_it_is_decoded_at_reduced_scale(keep, progressive):
    """Draft decoding skips most of the inverse DCT, not the data: libjpeg still reads every byte. A 7 MP photo
    full of detail is decoded at 1/2 scale and has megabytes of data to cut."""
    noise = Image.effect_noise((3300, 2200), 80).convert("RGB")
    data = encode(Image.blend(scene((3300, 2200)), noise, 0.4), progressive=progressive)
    assert opened(process(data).display).size == (1600, 1067)
    with pytest.raises(Invalid) as error:
        process(cut(data, keep))
    assert error.value.code == "photo_corrupt"


@pytest.mark.parametrize(("make", "limits"), [
    pytest.param(lambda: png_claiming(30_000, 30_000), {}, id="900 Mpx: Pillow's bomb error"),
    pytest.param(lambda: png_claiming(10_000, 10_000), {}, id="100 Mpx: Pillow's bomb warning"),
    pytest.param(lambda: png_claiming(8_000, 7_000), {}, id="56 Mpx: over our 50 Mpx"),
    pytest.param(lambda: encode(scene()), {"max_pixels": 1_000_000}, id="a real photo over a lower limit"),
])
def test_too_many_pixels_are_refused_from_the_header_before_decoding(make, limits):
    # The fake PNGs hold 8×8 pixels of data: decoding them first would report photo_corrupt instead.
    with pytest.raises(Invalid) as error:
        process(make(), **limits)
    assert (error.value.status, error.value.code) == (422, "photo_too_many_pixels")


@pytest.mark.parametrize(("fmt", "params"), [
    pytest.param("PNG", {}, id="animated PNG"),
    pytest.param("WEBP", {}, id="animated WebP"),
    pytest.param("HEIF", {}, id="HEIF with two images"),
    pytest.param("MPO", {"append_images": [scene((300, 200), seed=n) for n in range(1, 5)]}, id="MPO of 5"),
])
def test_animated_or_multi_frame_images_are_refused(fmt, params):
    frames = {"append_images": [scene((300, 200), seed=1)]} | params
    with pytest.raises(Invalid) as error:
        process(encode(scene((300, 200)), fmt, save_all=True, **frames))
    assert (error.value.status, error.value.code) == (422, "photo_animated")


# Real phone photos (../shared/samples) ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def samples() -> Path:
    folder = SAMPLES / "photos"
    if not folder.is_dir():
        pytest.skip(f"sample photos not found at {folder}; see the shared samples README")
    return folder


@pytest.fixture(scope="module")
def iphone_heic(samples):
    return process((samples / "iphone13-gps.heic").read_bytes())


def test_an_iphone_heic_is_decoded_upright_with_its_time_and_place(iphone_heic):
    photo = iphone_heic
    assert (photo.format, photo.width, photo.height) == ("heif", 3024, 4032)
    assert photo.taken_at == datetime(2025, 5, 11, 0, 3, 24, tzinfo=UTC)  # 20:03:24 at UTC−4
    assert photo.latitude == pytest.approx(43.58975, abs=1e-5)
    assert photo.longitude == pytest.approx(-79.63596, abs=1e-5)
    display = opened(photo.display)
    assert display.size == (1200, 1600)
    assert dict(display.getexif()) == {} and "icc_profile" not in display.info


def test_an_iphone_heic_cut_short_is_refused(samples):
    data = (samples / "iphone13-gps.heic").read_bytes()
    for keep in (0.5, 0.999):
        with pytest.raises(Invalid) as error:
            process(cut(data, keep))
        assert error.value.code == "photo_corrupt"


def test_the_same_shot_as_jpeg_matches_the_heic(samples, iphone_heic):
    photo = process((samples / "iphone13-gps.jpg").read_bytes())
    assert (photo.format, photo.width, photo.height) == ("jpeg", 3024, 4032)
    assert (photo.taken_at, photo.latitude, photo.longitude) == (
        iphone_heic.taken_at, iphone_heic.latitude, iphone_heic.longitude)
    assert hamming(photo.phash, iphone_heic.phash) <= 4
    assert difference(opened(photo.display), opened(iphone_heic.display)) < 4


def test_an_iphones_display_p3_colours_are_converted_to_srgb(samples):
    data = (samples / "iphone13-gps.jpg").read_bytes()
    display = opened(process(data).display)
    original = Image.open(io.BytesIO(data))
    original.draft("RGB", (756, 1008))
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(original.info["icc_profile"]))
    assert ImageCms.getProfileDescription(p3).startswith("Display P3")
    srgb = ImageCms.profileToProfile(original, p3, ImageCms.createProfile("sRGB"), outputMode="RGB")
    ours, converted, raw = (ImageStat.Stat(image).mean for image in (display, srgb, original))
    assert near(ours, converted, tolerance=0.3)  # the average colour lcms gives
    assert not near(ours, raw, tolerance=1)  # not the P3 numbers shown as if sRGB


def test_sample_landscapes_in_every_orientation_look_like_the_unrotated_one(samples):
    reference = opened(process((samples / "orientation-Landscape_1.jpg").read_bytes()).display)
    assert reference.size == (1600, 1067)
    assert difference(reference, reference.transpose(Image.Transpose.ROTATE_180)) > 30  # the measure can tell
    for orientation in (3, 6, 8):
        display = opened(process((samples / f"orientation-Landscape_{orientation}.jpg").read_bytes()).display)
        assert display.size == (1600, 1067), orientation
        assert difference(display, reference) < 3, orientation


def test_the_sample_portrait_is_shown_upright(samples):
    """Portrait_5 is another scene, so it is checked against Pillow's exif_transpose and by its sky."""
    data = (samples / "orientation-Portrait_5.jpg").read_bytes()
    display = opened(process(data).display)
    assert display.size == (1067, 1600)
    assert difference(display, ImageOps.exif_transpose(Image.open(io.BytesIO(data)))) < 4
    grey = display.convert("L")
    sky, ground = (ImageStat.Stat(grey.crop(box)).mean[0] for box in ((0, 0, 1067, 300), (0, 1300, 1067, 1600)))
    assert sky > ground + 40
