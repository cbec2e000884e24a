"""The paper an office issues and a school returns: the notice (整改通知书) with its tear-off receipt (回执),
and the rectification report (整改回复) with before/after photos. One renderer, also for a single hazard's
notice (hazards' notice.pdf)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Response
from flask_babel import force_locale
from sqlalchemy import select

from ..accounts.models import User
from ..checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from ..core.clock import now
from ..documents.paper import Column, Paper
from ..extensions import db
from ..hazards.labels import GRADE, SOURCE, filed, filed_time
from ..hazards.ledger import evidence
from ..hazards.models import Hazard
from ..photos.services import read_copy
from ..schools.models import Region, School
from ..signatures.models import SignedSubject
from ..signatures.services import image_bytes, signatures_of
from .models import Notice


@dataclass
class NoticeDraft:
    school: School
    office: Region
    reference: str
    issued_at: datetime
    inspectors: str
    requirement: str
    items: list[tuple[Hazard, datetime | None]]
    received_by: str | None = None
    received_at: datetime | None = None
    receipt_signature: bytes | None = field(default=None, repr=False)


def draft_of(notice: Notice, receipt_signature: bytes | None = None) -> NoticeDraft:
    return NoticeDraft(notice.school, notice.office, notice.reference, notice.issued_at, notice.inspectors,
                       notice.requirement, [(item.hazard, item.deadline) for item in notice.items],
                       notice.received_by, notice.received_at, receipt_signature)


DEFAULT_REQUIREMENT = ("请你单位高度重视，对照所列问题逐项整改，于期限内完成并将整改情况（附整改前后照片）书面回复；"
                       "整改期间须采取必要的临时防范措施，确保师生安全。逾期未整改或整改不到位的，将按规定逐级上报督办。")


def issued_pdf(notice: Notice) -> bytes:
    """The notice as issued, its receipt slip filled in (and signed) once the school recorded its receipt."""
    receiver = next(iter(signatures_of(SignedSubject.notice, [notice.id])), None)
    return notice_pdf(draft_of(notice, image_bytes(receiver) if receiver else None))


def draft_for_hazard(hazard: Hazard, requirement: str = DEFAULT_REQUIREMENT) -> NoticeDraft:
    """A single hazard's notice, before (or without) a numbered one: referenced by the hazard."""
    return NoticeDraft(hazard.school, hazard.school.region, f"ZG-{hazard.school.code}-{hazard.id:06d}", now(), "",
                       requirement, [(hazard, hazard.deadline)])


def _bases(hazards: list[Hazard]) -> dict[int, str]:
    """The checklist rule each inspection finding traces to: 《template》第 n 项 (version v)."""
    item_ids = {h.item_id for h in hazards if h.item_id}
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(ChecklistItem.id, ChecklistItem.position, ChecklistVersion.number, ChecklistTemplate.name_zh)
        .join(ChecklistVersion, ChecklistVersion.id == ChecklistItem.version_id)
        .join(ChecklistTemplate, ChecklistTemplate.id == ChecklistVersion.template_id)
        .where(ChecklistItem.id.in_(item_ids))).all()
    return {item_id: f"《{name}》（第{version}版）第{position}项" for item_id, position, version, name in rows}


def _requirement(hazard: Hazard) -> str:
    if hazard.on_the_spot:
        return "已立行立改，现场复核合格"
    if hazard.grade.value == "major":
        return "重大隐患：落实“五落实”（责任、措施、资金、时限、预案），整改完成前采取临时防范措施并专人值守"
    return "限期整改，整改后报送整改前后照片"


@force_locale("zh_Hans_CN")
def notice_pdf(draft: NoticeDraft) -> bytes:
    hazards = [hazard for hazard, _deadline in draft.items]
    bases = _bases(hazards)
    paper = Paper()
    paper.paragraph("校园安全隐患整改通知书", 20, bold=True, centre=True, after=2)
    paper.paragraph(f"编号：{draft.reference}", 10.5, centre=True, after=4)
    paper.paragraph(f"{draft.school.name_zh}：", 12, bold=True)
    found = {filed(SOURCE, h.source) for h in hazards}
    paper.paragraph(f"　　经{'、'.join(sorted(found))}发现，你校存在下列安全隐患（共{len(hazards)}项）。"
                    "依据所列检查标准，现通知你校限期整改：", 12, after=2)
    paper.table([Column("序号", 0.6), Column("隐患部位", 1.5), Column("问题描述", 2.4), Column("等级", 1.3),
                 Column("依据", 1.9), Column("整改要求", 2.0), Column("整改期限", 1.8)],
                [[str(number), h.point.name_zh if h.point else "—",
                  h.title if h.description in ("", h.title) else f"{h.title}。{h.description}",
                  filed(GRADE, h.grade), bases.get(h.item_id, "现场检查"), _requirement(h),
                  "—" if h.on_the_spot else filed_time(deadline)[:10] or "—"]
                 for number, (h, deadline) in enumerate(draft.items, 1)])
    paper.gap(3)
    paper.paragraph(f"　　{draft.requirement}", 12, after=3)
    if draft.inspectors:
        paper.paragraph(f"检查人员：{draft.inspectors}", 12)
    paper.pair(f"签发单位：{draft.office.name_zh}教育局（安全管理部门）",
               f"签发日期：{filed_time(draft.issued_at)[:10]}")
    paper.gap(6)
    paper.tear_off("回执 · 请沿虚线剪下，签收后交回签发单位")
    _receipt(paper, draft, len(hazards))
    return paper.pdf(f"整改通知书 {draft.reference}")


def _receipt(paper: Paper, draft: NoticeDraft, count: int) -> None:
    paper.paragraph("整改通知书回执", 15, bold=True, centre=True, after=2)
    paper.paragraph(f"{draft.office.name_zh}教育局（安全管理部门）：", 12)
    paper.paragraph(f"　　贵单位{draft.reference}《校园安全隐患整改通知书》（共{count}项问题）已收到。我校将按要求"
                    "在期限内完成整改，并书面回复整改情况。", 12, after=3)
    signed_at = filed_time(draft.received_at)[:10] if draft.received_at else "　　年　　月　　日"
    paper.pair(f"学校：{draft.school.name_zh}（盖章）", f"签收人：{draft.received_by or '＿＿＿＿＿＿'}")
    if draft.receipt_signature:
        paper.pictures([(draft.receipt_signature, f"签收人签名 {draft.received_by}")], height_mm=15)
    paper.pair("", f"签收日期：{signed_at}")


@force_locale("zh_Hans_CN")
def reply_pdf(notice: Notice) -> bytes:
    """整改回复: what was done about each problem, with photos before and after, for the office's acceptance."""
    hazards = [item.hazard for item in notice.items]
    photos = evidence([h.id for h in hazards])
    acceptors = dict(db.session.execute(select(User.id, User.display_name).where(
        User.id.in_({h.accepted_by_id for h in hazards if h.accepted_by_id}))).all())
    paper = Paper()
    paper.paragraph("安全隐患整改情况回复", 20, bold=True, centre=True, after=2)
    paper.paragraph(f"关于{notice.reference}整改通知书的回复", 10.5, centre=True, after=4)
    paper.paragraph(f"{notice.office.name_zh}教育局（安全管理部门）：", 12, bold=True)
    paper.paragraph(f"　　贵单位{notice.reference}《校园安全隐患整改通知书》收悉。我校对所列{len(hazards)}项问题"
                    "逐项落实整改，现将整改情况报告如下，请予验收。", 12, after=3)
    for number, hazard in enumerate(hazards, 1):
        _reply_item(paper, number, hazard, photos.get(hazard.id, []), acceptors.get(hazard.accepted_by_id, ""))
    paper.pair(f"学校：{notice.school.name_zh}（盖章）", f"日期：{filed_time(now())[:10]}")
    paper.gap(6)
    paper.paragraph("验收意见：", 12, bold=True, after=14)
    paper.pair("验收人：", "验收日期：　　年　　月　　日")
    return paper.pdf(f"整改回复 {notice.reference}")


def _reply_item(paper: Paper, number: int, hazard: Hazard, shown: list, acceptor: str) -> None:
    place = hazard.point.name_zh if hazard.point else "—"
    paper.paragraph(f"{number}．{hazard.title}（{place}，{filed(GRADE, hazard.grade)}，H{hazard.id:06d}）", 12,
                    bold=True)
    done = next((e.at for e in reversed(hazard.events) if e.action in ("rectify", "fix_on_the_spot")), None)
    accepted = f"{acceptor} {hazard.acceptance_opinion or ''}".strip() if hazard.accepted_by_id else ""
    for label, value in (("整改措施", hazard.measures), ("整改资金", hazard.funds),
                         ("临时防范措施", hazard.interim_measures), ("完成时间", filed_time(done)),
                         ("复核验收", accepted)):
        if value:
            paper.paragraph(f"{label}：{value}", 11, indent=6)
    pictures = []
    for photo in shown[:6]:
        if data := read_copy(photo.sha256, "display"):
            when = filed_time(photo.taken_at) or "拍摄时间不详"
            pictures.append((data, f"{'整改后' if photo.after else '整改前'} {when}"))
    if pictures:
        paper.pictures(pictures, height_mm=38)
    paper.gap(2)


def notice_response(hazard: Hazard) -> Response:
    """One hazard's notice as a download, for the API and the pages alike (FontMissing: 503, the server's)."""
    return Response(notice_pdf(draft_for_hazard(hazard)), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="notice-H{hazard.id:06d}.pdf"'})
