"""Printed documents for logged-in users, rendered as the API renders them: the inspection record, a notice with
its receipt slip, the rectification report."""
from __future__ import annotations

from flask import Response

from ..inspections import record
from ..inspections.services import get_inspection
from ..notices import render as notice_render
from ..notices import services as notices
from .blueprint import bp
from .session import current_user, login_required


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/inspections/<int:inspection_id>/record.pdf")
@login_required
def inspection_record(inspection_id):
    """检查记录: answers, photos, hazards found and signatures."""
    inspection = get_inspection(current_user(), inspection_id)
    return _pdf(record.record_pdf(inspection), f"inspection-I{inspection.id:06d}.pdf")  # FontMissing: 503


@bp.route("/notices/<int:notice_id>/notice.pdf")
@login_required
def notice_document(notice_id):
    """整改通知书 with its receipt slip."""
    notice = notices.get_notice(current_user(), notice_id)
    return _pdf(notice_render.issued_pdf(notice), f"notice-{notice.year}-{notice.number}.pdf")


@bp.route("/notices/<int:notice_id>/reply.pdf")
@login_required
def notice_reply(notice_id):
    """整改回复, once every problem of the notice is rectified (409 before)."""
    notice = notices.get_notice(current_user(), notice_id)
    notices.require_rectified(notice)
    return _pdf(notice_render.reply_pdf(notice), f"reply-{notice.year}-{notice.number}.pdf")
