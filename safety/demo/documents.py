"""Demo paperwork: signed inspection records (some countersigned), notices issued by district offices, some with
the school's receipt signed on the pad."""
from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..accounts.models import Role, RoleAssignment, User
from ..errors import Conflict
from ..extensions import db
from ..inspections.models import Inspection
from ..inspections.signing import sign
from ..notices.services import issue, record_receipt
from ..signatures.models import SignerRole

SIGNED_RECORDS = 40
NOTICES = 8
HEADS = ("后勤处 王主任", "总务处 李主任", "保卫科 张科长", "教务处 陈主任")


def scribble(rng: random.Random) -> bytes:
    """A signature as a pad sends it: strokes on a transparent canvas."""
    image = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + 30 * i, rng.randint(30, 110)) for i in range(11)]
    draw.line(points, fill=(0, 0, 0, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _office_for(inspection: Inspection) -> User | None:
    return db.session.scalar(select(User).join(RoleAssignment).where(
        RoleAssignment.role == Role.safety_office, RoleAssignment.region_id == inspection.point.school.region_id))


def _principal_of(school_id: int) -> User | None:
    return db.session.scalar(select(User).join(RoleAssignment).where(
        RoleAssignment.role == Role.principal, RoleAssignment.school_id == school_id))


def build_demo_documents(progress: Callable[[str], None]) -> None:
    rng = random.Random(20261128)
    recent = db.session.scalars(select(Inspection).order_by(Inspection.failed_count.desc(),
                                                            Inspection.submitted_at.desc()).limit(SIGNED_RECORDS)).all()
    for index, inspection in enumerate(recent):
        sign(inspection.inspector, inspection, SignerRole.inspector, None, scribble(rng))
        if index % 2 == 0:  # the monthly fire check and the like: the head of the place countersigns
            sign(inspection.inspector, inspection, SignerRole.countersigner, rng.choice(HEADS), scribble(rng))
    issued = received = 0
    for inspection in [i for i in recent if i.failed_count][:NOTICES]:
        office = _office_for(inspection)
        if office is None:
            continue
        try:
            with db.session.begin_nested():
                notice = issue(office, {"inspection_id": inspection.id})
        except Conflict:  # every problem it found was dismissed: nothing to notify
            continue
        issued += 1
        principal = _principal_of(inspection.school_id)
        if principal is not None and issued % 3 != 0:  # a few are still waiting for the school's receipt
            record_receipt(principal, notice, {"received_by": principal.display_name, "note": "已收到，立即整改"},
                           scribble(rng))
            received += 1
    progress(f"documents: {len(recent)} signed inspection records, {issued} notices issued, {received} receipted")
