"""Capturing signatures: the image is checked like any upload (PNG only, size and pixel caps, decoded in full),
stored beside the photos, and written once per record and role. Signed records are never edited again."""
from __future__ import annotations

import hashlib
import io

from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit.services import record
from ..errors import Conflict, Invalid, TooLarge, UnsupportedMedia
from ..extensions import db
from ..photos.services import storage
from .models import Signature, SignedSubject, SignerRole

MAX_BYTES = 256 * 1024  # a canvas of a phone screen is ~10–60 kB as PNG
MAX_PIXELS = 4_000_000
MIN_SIDE = 20
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, ZeroDivisionError,
                  Image.DecompressionBombError, Warning)


def image_key(sha256: str) -> str:
    return f"signatures/{sha256}.png"


def checked_png(data: bytes) -> tuple[int, int]:
    """(width, height) of a signature PNG, or the 4xx that says why it is not one."""
    if len(data) > MAX_BYTES:
        raise TooLarge(_("A signature image may be at most %(kb)s kB.", kb=MAX_BYTES // 1024))
    if not data.startswith(PNG_MAGIC):
        raise UnsupportedMedia(_("A signature is a PNG image from the signing pad."))
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS or min(width, height) < MIN_SIDE:
                raise Invalid(fields={"file": [_("A signature image is between %(low)s and %(high)s pixels.",
                                                 low=MIN_SIDE * MIN_SIDE, high=MAX_PIXELS)]})
            image.load()  # a cut-off or damaged file fails here, not in a printed record later
            ink = ImageOps.invert(_on_white(image)).getbbox()
    except _DECODE_ERRORS:
        raise Invalid(fields={"file": [_("The signature image is damaged.")]}) from None
    if ink is None:
        raise Invalid(fields={"file": [_("The signature is empty.")]}, code="empty_signature")
    return width, height


def _on_white(image: Image.Image) -> Image.Image:
    """A canvas is transparent where nothing was drawn: seen on paper, that is white."""
    rgba = image.convert("RGBA")
    page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(page, rgba).convert("L")


def capture(actor: User, subject: SignedSubject, subject_id: int, school_id: int, role: SignerRole,
            signer_name: str, data: bytes) -> Signature:
    """One signature per record and role: a second one is a 409, the first is never replaced."""
    require_unsigned_role(subject, subject_id, role)
    width, height = checked_png(data)
    digest = hashlib.sha256(data).hexdigest()
    storage().put(image_key(digest), data)  # file first: a request dying now leaves a file, never a dangling row
    signature = Signature(school_id=school_id, subject_type=subject, subject_id=subject_id, role=role,
                          signer_name=signer_name, captured_by_id=actor.id, sha256=digest, width=width,
                          height=height)
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except IntegrityError:  # the same role signed concurrently
        raise _already_signed() from None
    record("signature.captured", actor, object_type=subject.value, object_id=subject_id, school_id=school_id,
           role=role.value, signer=signer_name)
    return signature


def _already_signed() -> Conflict:
    return Conflict(_("This record is already signed in that role; a signature is never replaced."),
                    code="already_signed")


def require_unsigned_role(subject: SignedSubject, subject_id: int, role: SignerRole) -> None:
    if db.session.scalar(select(Signature.id).where(Signature.subject_type == subject,
                                                    Signature.subject_id == subject_id, Signature.role == role)):
        raise _already_signed()


def require_unsigned(subject: SignedSubject, subject_id: int) -> None:
    """A signed record is final: any edit after the first signature is a 409."""
    if signatures_of(subject, [subject_id]):
        raise Conflict(_("The record is signed and can no longer be changed."), code="signed")


def signatures_of(subject: SignedSubject, subject_ids: list[int]) -> list[Signature]:
    """The signatures of some records of one kind (one query), in the order they were made."""
    if not subject_ids:
        return []
    return list(db.session.scalars(select(Signature).where(Signature.subject_type == subject,
                                                           Signature.subject_id.in_(subject_ids))
                                   .order_by(Signature.signed_at, Signature.id)))


def image_bytes(signature: Signature) -> bytes:
    with storage().open(image_key(signature.sha256)) as stored:
        return stored.read()
