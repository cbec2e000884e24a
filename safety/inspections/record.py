"""The inspection record (检查记录) an inspector hands over or files: what was checked where, by whom, when,
every answer with its photos, the hazards it opened and the signatures. Chinese, A4."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from ..checklists.models import CATEGORY_NAMES
from ..documents.paper import Column, Paper
from ..extensions import db
from ..hazards.labels import GRADE, STATUS, filed, filed_time
from ..photos.models import Photo, PhotoSubject
from ..photos.services import photos_of, read_copy
from ..signatures.models import SignedSubject, SignerRole
from ..signatures.services import image_bytes, signatures_of
from .models import Inspection, Outcome
from .services import found_hazards

OUTCOME_ZH = {Outcome.passed: "合格", Outcome.failed: "不合格", Outcome.not_applicable: "不适用"}
FLAG_ZH = {"far_from_point": "提交位置距点位较远", "old_photos": "照片拍摄时间早于检查"}
ROLE_ZH = {SignerRole.inspector: "检查人", SignerRole.countersigner: "被检查部门负责人"}


@force_locale("zh_Hans_CN")
def record_pdf(inspection: Inspection) -> bytes:
    paper = Paper()
    paper.paragraph("校园安全检查记录", 20, bold=True, centre=True, after=2)
    paper.paragraph(f"记录编号：I{inspection.id:06d}", 10.5, centre=True, after=4)
    _particulars(paper, inspection)
    hazards = found_hazards(inspection)
    fixed = {h.item_id for h in hazards if h.on_the_spot and h.inspection_id == inspection.id}
    paper.paragraph("一、检查结果", 13, bold=True, after=1)
    paper.table([Column("序号", 0.6), Column("检查项目", 4.2), Column("结果", 1.1), Column("读数/选项", 1.3),
                 Column("说明", 2.6)],
                [[str(r.position), r.item.text_zh, "立行立改" if r.item_id in fixed else OUTCOME_ZH[r.outcome],
                  _value(r), r.note or ""] for r in inspection.results])
    _photos(paper, inspection)
    paper.gap(3)
    paper.keep(30)
    paper.paragraph("二、发现的隐患", 13, bold=True, after=1)
    if hazards:
        paper.table([Column("编号", 1.1), Column("隐患", 4), Column("等级", 1.1), Column("状态", 1.4),
                     Column("整改期限", 1.6)],
                    [[f"H{h.id:06d}", h.title, filed(GRADE, h.grade),
                      "立行立改（已销号）" if h.on_the_spot else filed(STATUS, h.status),
                      "—" if h.on_the_spot else filed_time(h.deadline)[:10]] for h in hazards])
    else:
        paper.paragraph("本次检查未发现隐患。", 12)
    if inspection.note:
        paper.gap(2)
        paper.paragraph(f"检查说明：{inspection.note}", 12)
    paper.gap(3)
    _signatures(paper, inspection)
    return paper.pdf(f"检查记录 I{inspection.id:06d}")


def _particulars(paper: Paper, inspection: Inspection) -> None:
    point, version = inspection.point, inspection.template_version
    location = "未提供"
    if inspection.latitude is not None:
        location = f"北纬 {inspection.latitude:.5f}，东经 {inspection.longitude:.5f}"
    rows = [["学校", point.school.name_zh], ["检查点位", f"{point.name_zh}（编码 {point.code}）"],
            ["点位类别", str(CATEGORY_NAMES[point.category])],
            ["检查表", f"{version.template.name_zh}（第{version.number}版）"],
            ["检查人", inspection.inspector.display_name],
            ["检查时间", f"{filed_time(inspection.started_at)} 至 {filed_time(inspection.submitted_at)}"],
            ["系统接收", filed_time(inspection.received_at)], ["提交位置", location]]
    if inspection.flag_list:
        rows.append(["存疑提示", "；".join(FLAG_ZH.get(f, f) for f in inspection.flag_list)])
    paper.table([Column("项目", 1), Column("内容", 5)], rows, points=11)
    paper.gap(3)


def _value(result) -> str:
    if result.value_number is not None:
        return f"{result.value_number:g}{result.item.unit or ''}"
    return result.value_text or ""


def _photos(paper: Paper, inspection: Inspection) -> None:
    """Each result's photos with their capture time (from the photo's own metadata, when it had one)."""
    by_result = photos_of(PhotoSubject.inspection, inspection.id)
    hashes = [p["sha256"] for refs in by_result.values() for p in refs if p["uploaded"]]
    taken = dict(db.session.execute(select(Photo.sha256, Photo.taken_at).where(Photo.sha256.in_(hashes))).all()) \
        if hashes else {}
    pictures = []
    for result in inspection.results:
        for ref in by_result.get(result.id, []):
            if ref["uploaded"] and (data := read_copy(ref["sha256"], "display")):
                when = filed_time(taken.get(ref["sha256"])) or "拍摄时间不详"
                pictures.append((data, f"第{result.position}项 拍摄于 {when}"))
    if pictures:
        paper.gap(2)
        paper.paragraph("现场照片", 12, bold=True)
        paper.pictures(pictures, height_mm=42)


def _signatures(paper: Paper, inspection: Inspection) -> None:
    signed = {s.role: s for s in signatures_of(SignedSubject.inspection, [inspection.id])}
    paper.keep(50)
    paper.paragraph("三、签名", 13, bold=True, after=1)
    for role, label in ROLE_ZH.items():
        if signature := signed.get(role):
            paper.paragraph(f"{label}：{signature.signer_name}　签名时间：{filed_time(signature.signed_at)}", 12)
            paper.pictures([(image_bytes(signature), f"{label}签名")], height_mm=18)
        elif role == SignerRole.inspector or inspection.template_version.template.needs_countersignature:
            paper.paragraph(f"{label}（签名）：＿＿＿＿＿＿＿＿　日期：＿＿＿＿＿＿", 12, after=4)
