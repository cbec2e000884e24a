"""Validate an uploaded photo, read its evidence metadata and make the copies we serve.

Uploads are hostile. The format is decided from the bytes against an allow-list, size and pixel count are
checked before anything is decoded, the whole image is decoded so that a cut-off upload is caught, and every
decoding failure becomes a typed 4xx error. The served copies are re-encoded from pixels, so nothing of the
original's metadata (GPS, device, capture time, comments, profiles) reaches them.
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import re
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageFile

from ..errors import Invalid, TooLarge, UnsupportedMedia

pillow_heif.register_heif_opener()

DISPLAY_SIZE = 1600  # long side of the copy shown in the app
THUMB_SIZE = 320
DISPLAY_BAND_ROWS = 64  # output rows per band when a HEIF photo's display copy is read from libheif's buffer
JPEG_QUALITY = 80
# Every resize here first box-averages by whole factors (reducing_gap=1, as JPEG's draft decoding does in the DCT),
# leaving a last step under 2×, where Pillow's antialiased bilinear filter is on average within one grey level of
# Lanczos at half its cost.
RESAMPLE = Image.Resampling.BILINEAR
# Pillow releases the GIL while it resamples and converts colours, so the display copy is made in bands on several
# cores (as libvips does): two cores nearly halve those two slowest steps.
MAX_THREADS = min(4, os.cpu_count() or 1)
# China has kept UTC+8 without daylight saving since 1991: exact for any digital photo, no tz database needed.
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")

# The allow-list: our format name → (Pillow's plugin, MIME type).
FORMATS = {
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
    "heif": ("HEIF", "image/heif"),
}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1"}  # still images; sequences and AVIF are not allowed
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_MAX_TOP_LEVEL_BOXES = 64  # bounds the walk over a hostile HEIF made of millions of tiny boxes
_MAX_JPEG_FRAMES = 4  # an MPO is the photo plus a gain map, depth map or stereo twin; more is not a phone photo
# What Pillow's and pillow-heif's decoders raise on hostile bytes. Under `-W error` (our tests) their warnings
# about malformed data, such as a bad MPO index or EXIF block, arrive as exceptions too.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error,
                  ZeroDivisionError, RuntimeError, Warning)
_SRGB = ImageCms.createProfile("sRGB")
_CACHED_PROFILE_BYTES = 64 * 1024
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION, _DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x0112, 0x9003, 0x9011
_UTC_OFFSET = re.compile(r"([+-])(\d\d):([0-5]\d)")
# EXIF orientation → the transpose that shows the photo upright (the table ImageOps.exif_transpose uses).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class ProcessedPhoto:
    sha256: str  # hex digest of the original bytes
    format: str  # "jpeg" | "png" | "webp" | "heif"
    mime: str
    width: int  # as displayed, i.e. after EXIF orientation
    height: int
    byte_size: int
    taken_at: datetime | None  # aware UTC
    latitude: float | None
    longitude: float | None
    phash: str  # 16 hex digits; compare with hamming()
    display: bytes = field(repr=False)  # JPEG, long side ≤ DISPLAY_SIZE, upright, sRGB, no metadata
    thumbnail: bytes = field(repr=False)  # JPEG, long side ≤ THUMB_SIZE, likewise


def process_photo(data: bytes, *, max_bytes: int, max_pixels: int = 50_000_000) -> ProcessedPhoto:
    """Validate an upload and derive everything we keep about it.

    Raises TooLarge (413), UnsupportedMedia (415) or Invalid (422), each with a `photo_*` code. The pixel limit
    is `max_pixels` or Pillow's own decompression-bomb limit (Image.MAX_IMAGE_PIXELS, about 89 Mpx), if lower.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a global any imported library may flip; cut-off uploads would pass
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    if not data:
        raise Invalid(_("The photo is empty."), code="photo_empty")
    if len(data) > max_bytes:
        raise TooLarge(_("The photo is larger than %(limit)s MB.", limit=f"{max_bytes / 2**20:g}"),
                       code="photo_too_large")
    max_pixels = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)  # beyond it, Pillow warns or refuses
    kind = _sniff(data)
    if kind is None:
        raise UnsupportedMedia(_("Only JPEG, PNG, WebP and HEIC photos are accepted."),
                               code="photo_unsupported_format")
    try:
        image, stored_size, exif = _decode(data, kind, max_pixels)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(max_pixels) from error
    except _DECODE_ERRORS as error:
        raise _damaged() from error

    orientation = exif.get(_ORIENTATION)
    width, height = stored_size
    if orientation in (5, 6, 7, 8):  # stored sideways
        width, height = height, width
    opaque = image if isinstance(image, HeifRows) else _opaque(image)  # RGB already
    display = _display_copy(opaque, _fit(stored_size, DISPLAY_SIZE), image.info.get("icc_profile"))
    display = _upright(display, orientation)
    thumbnail = _shrink(display, _fit(display.size, THUMB_SIZE))
    latitude, longitude = _gps(exif)
    return ProcessedPhoto(
        sha256=hashlib.sha256(data).hexdigest(), format=kind, mime=FORMATS[kind][1], width=width, height=height,
        byte_size=len(data), taken_at=_taken_at(exif), latitude=latitude, longitude=longitude,
        phash=_dhash(thumbnail), display=_jpeg(display), thumbnail=_jpeg(thumbnail),
    )


def hamming(a: str, b: str) -> int:
    """How many of the 64 bits differ between two phashes: 0 for the same picture, a few for a re-saved copy."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _sniff(data: bytes) -> str | None:
    """Our format name from the magic numbers, or None: file names and client content types are never trusted."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heif"
    return None


def _decode(data: bytes, kind: str, max_pixels: int) -> tuple[Image.Image | HeifRows, tuple[int, int], Image.Exif]:
    """Check the header, then decode all of the one image; returns it (maybe scaled down), its stored size, EXIF."""
    if not _complete(kind, data):
        raise _damaged()
    image = Image.open(io.BytesIO(data), formats=[FORMATS[kind][0]])
    stored_size = image.size  # from the header: nothing is decoded yet
    if stored_size[0] * stored_size[1] > max_pixels:
        raise _too_many_pixels(max_pixels)
    frames = getattr(image, "n_frames", 1)
    if frames > (_MAX_JPEG_FRAMES if kind == "jpeg" else 1):
        raise Invalid(_("Animated or multi-frame images are not accepted; upload a single photo."),
                      code="photo_animated")
    if kind == "jpeg":
        # libjpeg scales by 1/2…1/8 while decoding (DCT scaling) to no less than the display size. It still
        # entropy-decodes every byte, so a cut-off file fails in load() just as at full scale.
        image.draft("RGB", _fit(stored_size, DISPLAY_SIZE))
    if kind == "heif" and image.mode == "RGB":
        return HeifRows(data, image.info), stored_size, _exif(image)
    image.load()
    if frames > 1:
        _decode_other_frames(data, frames)
    return image, stored_size, _exif(image)


def _complete(kind: str, data: bytes) -> bool:
    """Whether the file ends where its container says. libjpeg and libwebp notice a cut-off file themselves, but
    Pillow stops reading a PNG after its pixels, and libheif fills missing HEIF tiles with green."""
    if kind == "png":
        return data.endswith(_PNG_END)
    if kind == "heif":
        return _boxes_fill(data)
    return True


def _boxes_fill(data: bytes) -> bool:
    """Whether the top-level ISO-BMFF boxes (ftyp, meta, mdat: a handful in any real file) exactly fill it."""
    offset = 0
    for _box in range(_MAX_TOP_LEVEL_BOXES):
        if offset >= len(data):
            return offset == len(data)
        size, header = int.from_bytes(data[offset:offset + 4], "big"), 8
        if size == 1:  # a 64-bit size follows the box type
            size, header = int.from_bytes(data[offset + 8:offset + 16], "big"), 16
        elif size == 0:  # the last box runs to the end of the file
            return True
        if size < header:
            return False
        offset += size
    return False


def _decode_other_frames(data: bytes, frames: int) -> None:
    """Decode the extra JPEGs of an MPO (HDR gain map, depth map, stereo twin). They follow the photo, so a cut-off
    upload loses them first while the photo still decodes. At 1/8 scale every byte is still read."""
    for frame in range(1, frames):
        image = Image.open(io.BytesIO(data), formats=["JPEG"])  # a fresh object: draft() works once per image
        image.seek(frame)
        image.draft(None, (1, 1))
        image.load()


def _exif(image: Image.Image) -> Image.Exif:
    """The photo's EXIF, or an empty one: a damaged EXIF block costs the metadata, not the photo."""
    try:
        return image.getexif()
    except _DECODE_ERRORS:
        return Image.Exif()


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """`size` scaled down (never up) so that its long side is at most `longest`."""
    width, height = size
    scale = longest / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


class HeifRows:
    """A HEIF photo decoded into libheif's buffer (3 bytes a pixel) and shrunk from there in strips, never copied
    whole into a Pillow image (4 bytes a pixel): that copy, 49 MB for 12 MP, was most of a HEIC's peak memory."""

    mode = "RGB"

    def __init__(self, data: bytes, info: dict):
        # The plugin's own settings, so the pixels are those Image.open().load() would give.
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True, hdr_to_16bit=True,
                                     remove_stride=False)[0]
        self.buffer, self.size, self.stride, self.info = memoryview(heif.data), heif.size, heif.stride, info
        self.width, self.height = self.size

    def band(self, size: tuple[int, int], top: int, bottom: int) -> Image.Image:
        """Output rows top…bottom of the photo resized to `size`, as one resize(reducing_gap=1) of the whole
        would make them (within one grey level): box-averaged by whole factors from a strip that starts on the
        whole photo's reduction grid, then filtered, reading only the rows around the band."""
        rows = self.height / size[1]  # source rows per output row
        factors = max(1, int(self.width / size[0])), max(1, int(rows))
        reach = math.ceil(rows) + 2 * factors[1]  # beyond what the filter reads around the box, rounded out
        first = max(0, int(top * rows) - reach) // factors[1] * factors[1]
        last = min(self.height, math.ceil(bottom * rows) + reach)
        pixels = self.buffer[first * self.stride:last * self.stride]
        strip = Image.frombuffer("RGB", (self.width, last - first), pixels, "raw", "RGB", self.stride, 1)
        if factors != (1, 1):
            strip = strip.reduce(factors)
        box = (0, (top * rows - first) / factors[1], self.width / factors[0], (bottom * rows - first) / factors[1])
        return strip.resize((size[0], bottom - top), RESAMPLE, box=box)


def _display_copy(image: Image.Image | HeifRows, size: tuple[int, int], icc: bytes | None) -> Image.Image:
    """`image` shrunk to `size` and converted to sRGB, in horizontal bands on parallel threads. HEIF rows go in
    narrow bands, so only a few strips of the full-size photo are copied at any moment."""
    transform = _srgb_transform(icc, image.mode) if icc else None
    if isinstance(image, HeifRows):
        return _in_bands(size, lambda top, bottom: _to_srgb(image.band(size, top, bottom), transform),
                         DISPLAY_BAND_ROWS)
    rows = image.height / size[1]  # source rows per output row

    def band(top: int, bottom: int) -> Image.Image:
        box = (0, top * rows, image.width, bottom * rows)  # the filter still reads the rows around the box
        return _to_srgb(image.resize((size[0], bottom - top), RESAMPLE, box=box, reducing_gap=1.0), transform)

    return _in_bands(size, band)


def _in_bands(size: tuple[int, int], band, band_rows: int | None = None) -> Image.Image:
    """An image of `size` stacked from horizontal bands, band(top, bottom), computed in parallel threads: as many
    bands as threads, or bands of `band_rows` output rows."""
    height = size[1]
    count = max(1, min(MAX_THREADS, height // 256))  # a small image is not worth a thread
    if band_rows:
        count = math.ceil(height / band_rows)
    if count == 1:
        return band(0, height)
    edges = [height * index // count for index in range(count + 1)]
    # Per call: no threads to lose in a fork.
    with ThreadPoolExecutor(min(count, MAX_THREADS), thread_name_prefix="photo") as pool:
        parts = list(pool.map(band, edges[:-1], edges[1:]))
    stacked = Image.new(parts[0].mode, size)
    for top, part in zip(edges[:-1], parts, strict=True):
        stacked.paste(part, (0, top))
    return stacked


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return image if image.size == size else image.resize(size, RESAMPLE, reducing_gap=1.0)


def _opaque(image: Image.Image) -> Image.Image:
    """8-bit pixels without transparency, as a viewer shows them: alpha flattened onto white; 16-bit grey
    scaled down (Pillow's convert() would clip it to white). CMYK stays CMYK for the profile conversion."""
    if image.mode.startswith("I"):
        return image.point(lambda value: value / 256, "L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode in ("RGB", "L", "CMYK") else image.convert("RGB")


def _to_srgb(image: Image.Image, transform: ImageCms.ImageCmsTransform | None) -> Image.Image:
    """RGB in sRGB, the colour space a copy without a profile is shown in; phones embed Display P3 (iPhone) or
    sRGB. `image` is a fresh band, so RGB is converted in place."""
    if transform is None:
        return image if image.mode == "RGB" else image.convert("RGB")
    if image.mode == "RGB":
        ImageCms.applyTransform(image, transform, inPlace=True)
        return image
    return ImageCms.applyTransform(image, transform)


def _srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    if len(icc) > _CACHED_PROFILE_BYTES:  # phone profiles are a few kB; an upload's huge one is not kept around
        return _build_srgb_transform.__wrapped__(icc, mode)
    return _build_srgb_transform(icc, mode)


@functools.lru_cache(maxsize=16)
def _build_srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Built once per profile, as a phone model embeds the same one in every photo. None when there is nothing
    sensible to do: the profile is sRGB already, broken, or for another colour model (which costs colour
    accuracy, not the photo). NOCACHE makes a shared transform safe to use from several threads."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if ImageCms.getProfileDescription(profile).startswith("sRGB"):
            return None
        return ImageCms.buildTransform(profile, _SRGB, mode, "RGB", flags=ImageCms.Flags.NOCACHE)
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return None


def _upright(image: Image.Image, orientation) -> Image.Image:
    method = _UPRIGHT.get(orientation)
    return image if method is None else image.transpose(method)


def _jpeg(image: Image.Image) -> bytes:
    # resize() and transpose() copy the source's info, and Pillow's JPEG writer still reads some of it (the
    # comment); an empty info guarantees the copy carries nothing but pixels.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _dhash(image: Image.Image) -> str:
    """64-bit difference hash: is each cell of a 9×8 grey grid brighter than its right neighbour. It survives
    re-encoding and resizing, so a photo reused as evidence for another hazard can be flagged."""
    pixels = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS).tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = bits << 1 | (pixels[row * 9 + col] > pixels[row * 9 + col + 1])
    return f"{bits:016x}"


def _taken_at(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal as aware UTC. Without OffsetTimeOriginal it is the phone's local time: China's."""
    try:
        tags = exif.get_ifd(_EXIF_IFD)
        local = datetime.strptime(str(tags[_DATE_TIME_ORIGINAL]).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except _DECODE_ERRORS:
        return None
    offset = _utc_offset(tags.get(_OFFSET_TIME_ORIGINAL))
    return local.replace(tzinfo=CHINA_TIME if offset is None else offset).astimezone(UTC)


def _utc_offset(value) -> timezone | None:
    match = _UTC_OFFSET.fullmatch(value.strip("\x00 ")) if isinstance(value, str) else None
    if match is None:
        return None
    minutes = int(match[2]) * 60 + int(match[3])
    if minutes > 14 * 60:  # no such time zone: treat it as absent
        return None
    return timezone(timedelta(minutes=-minutes if match[1] == "-" else minutes))


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    """Signed decimal degrees from the GPS IFD; (None, None) unless both are present and sane."""
    try:
        tags = exif.get_ifd(_GPS_IFD)
        latitude = _degrees(tags.get(2), tags.get(1), "N", "S", 90)
        longitude = _degrees(tags.get(4), tags.get(3), "E", "W", 180)
    except _DECODE_ERRORS:
        return None, None
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def _degrees(parts, ref, positive: str, negative: str, limit: int) -> float | None:
    """(degrees, minutes, seconds) — or fewer parts — and a hemisphere letter, as signed degrees."""
    if not isinstance(parts, tuple) or not 1 <= len(parts) <= 3 or ref not in (positive, negative):
        return None
    values = [float(part) for part in parts]
    if not all(value >= 0 for value in values):  # also rejects NaN, Pillow's value for a zero denominator
        return None
    degrees = sum(value / 60**index for index, value in enumerate(values))
    if degrees > limit:
        return None
    return -degrees if ref == negative else degrees


def _too_many_pixels(max_pixels: int) -> Invalid:
    return Invalid(_("The photo has too many pixels (the limit is %(limit)s megapixels).",
                     limit=f"{max_pixels / 1e6:g}"), code="photo_too_many_pixels")


def _damaged() -> Invalid:
    return Invalid(_("The photo is damaged or incomplete; please upload it again."), code="photo_corrupt")
