"""Parent letters and receipts: one QR token per class, one receipt per child, paper slips counted per class.

A parent scans the code on the letter, types the child's name or student number and confirms. Repeats are
no-ops, and the answer is the same whether the child had been confirmed before or not, so the form tells nobody
anything about other children. Without a roster the service cannot tell a name from the same child's number:
receipts count at most the class's size.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, insert, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ...accounts.models import User
from ...accounts.scope import Capability, require_in_scope, require_school, teaches
from ...audit.services import client_ip, record
from ...core import ratelimit
from ...core.clock import now
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...schools.models import School, SchoolClass
from ..kinds import parent_letter
from ..models import (
    ActivityRequirement,
    Campaign,
    CampaignStatus,
    CampaignTask,
    ClassLetter,
    ParentReceipt,
    new_receipt_token,
)

_SPACE = re.compile(r"\s+")


def child_key(text: str) -> str:
    """The same child however it is typed: full-width/half-width, spaces and letter case do not matter."""
    normalised = _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def receipt_url(letter: ClassLetter) -> str:
    """What the QR on the parents' letter opens: a page in the phone's browser (`/r/<token>`)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/r/{letter.token}"


def confirm_from_public(token: str, child: str, signer: str) -> ClassLetter:
    """A parent's confirmation from the API or the page, rate limited per address and per letter.

    Counted before the token is looked up and kept whatever the answer, so failed and refused tries count too."""
    cfg, hour = current_app.config, timedelta(hours=1)
    ratelimit.take("parent_receipt", [f"ip:{client_ip()}"], cfg["CAMPAIGN_RECEIPTS_PER_HOUR"], hour)
    ratelimit.take("parent_receipt_letter", [ratelimit.token_key("letter", token)],
                   cfg["CAMPAIGN_RECEIPTS_PER_LETTER_HOUR"], hour)
    letter = letter_by_token(token)
    confirm(letter, child, signer)
    return letter


def class_label(school_class: SchoolClass) -> str:
    return school_class.name if school_class.name.startswith(("小班", "中班", "大班")) \
        else f"{school_class.grade}年级{school_class.name}"


# --- letters --------------------------------------------------------------------------------------------


def create_letters(campaign: Campaign) -> int:
    """A letter (with its token) for every class owing a parent letter that has none yet.

    Tokens come from `secrets`, so rows are written in one executemany rather than INSERT … SELECT; a class gets
    its letter once (unique campaign and class), however often this runs.
    """
    missing = db.session.execute(
        select(CampaignTask.class_id, CampaignTask.school_id)
        .join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id)
        .where(CampaignTask.campaign_id == campaign.id, ActivityRequirement.kind == parent_letter.NAME,
               CampaignTask.class_id.is_not(None),
               ~exists().where(ClassLetter.campaign_id == campaign.id, ClassLetter.class_id == CampaignTask.class_id))
        .distinct()).all()
    if missing:
        moment = now()
        db.session.execute(ClassLetter.__table__.insert(), [
            {"campaign_id": campaign.id, "class_id": class_id, "school_id": school_id, "token": new_receipt_token(),
             "paper_receipts": 0, "created_at": moment} for class_id, school_id in missing])
    return len(missing)


def school_letters(campaign: Campaign, school: School, class_id: int | None = None) -> list[dict]:
    """The school's letters in this campaign (or one class's) with their receipts so far."""
    online = select(ParentReceipt.letter_id, func.count().label("n")).group_by(ParentReceipt.letter_id).subquery()
    rows = db.session.execute(
        select(ClassLetter, func.coalesce(online.c.n, 0))
        .join(SchoolClass, SchoolClass.id == ClassLetter.class_id)
        .outerjoin(online, online.c.letter_id == ClassLetter.id)
        .options(joinedload(ClassLetter.school_class))
        .where(ClassLetter.campaign_id == campaign.id, ClassLetter.school_id == school.id,
               ClassLetter.class_id == class_id if class_id is not None else true())
        .order_by(SchoolClass.grade, SchoolClass.name)).all()
    letters = []
    for letter, online_count in rows:
        students = letter.school_class.student_count
        received = min(students, online_count + letter.paper_receipts)
        letters.append({"id": letter.id, "letter": letter, "class_id": letter.class_id,
                        "class_name": class_label(letter.school_class), "grade": letter.school_class.grade,
                        "students": students, "online_receipts": online_count,
                        "paper_receipts": letter.paper_receipts, "received": received,
                        "rate": round(100 * received / students, 1) if students else None,
                        "url": receipt_url(letter)})
    return letters


def get_letter(actor: User, campaign: Campaign, class_id: int, capability: Capability) -> ClassLetter:
    """A class's letter, loaded through the campaign (another campaign's class is 404)."""
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.campaign_id == campaign.id,
                                                         ClassLetter.class_id == class_id))
    if letter is None:
        raise NotFound()
    if teaches(actor, class_id):  # the class's own teacher, who sees nothing else of the school
        return letter
    require_school(actor, letter.school_id)  # invisible school: 404
    require_in_scope(actor, letter.school_id, capability)
    return letter


def set_paper_receipts(actor: User, letter: ClassLetter, count: int) -> ClassLetter:
    """Signed paper slips collected for a class so far; the number replaces the last one entered."""
    if letter.campaign.status != CampaignStatus.open:
        raise Conflict(_("This campaign has closed."), code="campaign_closed")
    if count > letter.school_class.student_count:
        raise Invalid(fields={"count": [_("More receipts than students in the class (%(n)s).",
                                          n=letter.school_class.student_count)]})
    before = letter.paper_receipts
    letter.paper_receipts, letter.paper_updated_at, letter.paper_updated_by_id = count, now(), actor.id
    db.session.flush()
    record("campaign.paper_receipts", actor, object_type="class_letter", object_id=letter.id,
           school_id=letter.school_id, campaign_id=letter.campaign_id, before=before, after=count)
    return letter


def receipts_of(letter: ClassLetter) -> list[ParentReceipt]:
    return list(db.session.scalars(select(ParentReceipt).where(ParentReceipt.letter_id == letter.id)
                                   .order_by(ParentReceipt.received_at, ParentReceipt.id)))


def letters_pdf(letters: list[dict], template: str, per_student: bool,
                progress: Callable[[int, int], None] | None = None) -> bytes:
    """Receipt QR stickers for the letters: one per student (default) or one per class, with the labels' layouts."""
    from ...labels.layouts import PARENT_LETTER
    from ...labels.render import LabelContent, render_pdf
    from ...labels.services import layout_named
    if not letters:
        raise Invalid(fields={"school_id": [_("No parent letters to print for this school.")]})
    layout = layout_named(template, PARENT_LETTER)
    labels = []
    for row in letters:
        letter = row["letter"]
        content = LabelContent(url=row["url"], school_name=letter.school.name_zh, point_name=row["class_name"],
                               point_code=letter.campaign.name_zh, category=None)
        labels.extend([content] * (max(1, row["students"]) if per_student else 1))
    try:
        return render_pdf(labels, layout, font_path=current_app.config.get("CJK_FONT_PATH"), progress=progress)
    except ValueError as error:  # e.g. PUBLIC_BASE_URL too long for the layout's code size
        raise Invalid(str(error), code="label_not_printable") from None


# --- parents --------------------------------------------------------------------------------------------


def letter_by_token(token: str) -> ClassLetter:
    letter = db.session.scalar(select(ClassLetter).where(ClassLetter.token == token)
                               .options(joinedload(ClassLetter.campaign), joinedload(ClassLetter.school_class),
                                        joinedload(ClassLetter.school)))
    if letter is None:
        raise NotFound()
    return letter


def public_view(letter: ClassLetter, confirmed: bool) -> dict:
    return {"confirmed": confirmed, "school": letter.school.name_zh, "class_name": class_label(letter.school_class),
            "campaign": letter.campaign.name_zh, "open": letter.campaign.status == CampaignStatus.open}


def load_receipts(rows: list[dict]) -> int:
    """Receipts collected before (the demo's weeks of parents' answers): one INSERT for all of them; each row
    has letter_id, child, signer and received_at."""
    if rows:
        db.session.execute(insert(ParentReceipt), [{**row, "child_key": child_key(row["child"])} for row in rows])
    return len(rows)


def confirm(letter: ClassLetter, child: str, signer: str) -> None:
    """Record one child's receipt; a repeat is a no-op, answered the same way. The schema bounds both texts."""
    if letter.campaign.status != CampaignStatus.open:
        raise Conflict(_("This campaign has closed; the school collects receipts on paper now."),
                       code="campaign_closed")
    child = child.strip()
    if not child:
        raise Invalid(fields={"child": [_("Enter the child's name or student number.")]})
    key = child_key(child)
    if db.session.scalar(select(ParentReceipt.id).where(and_(ParentReceipt.letter_id == letter.id,
                                                             ParentReceipt.child_key == key))):
        return
    with suppress(IntegrityError), db.session.begin_nested():  # two parents of one child at once: one receipt
        db.session.add(ParentReceipt(letter_id=letter.id, child_key=key, child=child, signer=signer.strip(),
                                     received_at=now()))
