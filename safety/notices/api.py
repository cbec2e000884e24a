from contextlib import closing

from flask import Response, request
from flask.views import MethodView

from ..core.auth import current_actor
from ..core.openapi import json_or_multipart
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import ErrorSchema
from ..signatures.models import SignedSubject
from ..signatures.services import signatures_of
from . import render, services
from .models import Notice
from .schemas import NoticeArgs, NoticeIn, NoticeSchema, ReceiptIn

blp = Blueprint("notices", __name__, url_prefix="/api/v1",
                description="Rectification notices (整改通知书), receipts (回执) and rectification reports (整改回复)")
PDF = "application/pdf"


def _present(notice: Notice) -> Notice:
    notice.signatures = signatures_of(SignedSubject.notice, [notice.id])
    return notice


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype=PDF, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/notices")
class Notices(MethodView):
    @blp.arguments(NoticeArgs, location="query")
    @blp.response(200, page_of(NoticeSchema))
    def get(self, args):
        """Notices to schools the caller can see, newest first"""
        page = paginate(services.visible_notices(current_actor(), args), args)
        page["items"] = [_present(n) for n in page["items"]]
        return page

    @blp.arguments(NoticeIn)
    @blp.response(201, NoticeSchema)
    def post(self, data):
        """Issue a rectification notice (整改通知书) for an inspection's problems, or chosen hazards of one school

        Numbered per issuing office and year (e.g. 东湖区安整〔2026〕3号); only a safety office issues one.
        """
        return _present(services.issue(current_actor(), data))


@blp.route("/notices/<int:notice_id>")
class NoticeDetail(MethodView):
    @blp.response(200, NoticeSchema)
    def get(self, notice_id):
        """One notice with its problems and receipt"""
        return _present(services.get_notice(current_actor(), notice_id))


@blp.route("/notices/<int:notice_id>/receipt")
class NoticeReceipt(MethodView):
    @blp.doc(requestBody=json_or_multipart(ReceiptIn, file="the receiver's signature from the pad (PNG)"))
    @blp.arguments(ReceiptIn, location="json_or_form")
    @blp.response(200, NoticeSchema)
    def post(self, data, notice_id):
        """The school records that it received the notice (回执), once; optionally signed on the pad"""
        actor = current_actor()
        notice = services.get_notice(actor, notice_id)
        signature = None
        if (upload := request.files.get("file")) is not None:
            with closing(upload):  # a large upload is a temporary file: close it now
                signature = upload.read()
        return _present(services.record_receipt(actor, notice, data, signature))


@blp.route("/notices/<int:notice_id>/notice.pdf")
class NoticePdf(MethodView):
    @blp.response(200, description="整改通知书 with its tear-off receipt (PDF, Chinese, A4)", content_type=PDF)
    @blp.alt_response(503, schema=ErrorSchema, description="The server has no usable Chinese font")
    def get(self, notice_id):
        """The notice as issued, with the receipt slip (filled in once the receipt is recorded)"""
        notice = services.get_notice(current_actor(), notice_id)
        return _pdf(render.issued_pdf(notice), f"notice-{notice.year}-{notice.number}.pdf")


@blp.route("/notices/<int:notice_id>/reply.pdf")
class NoticeReply(MethodView):
    @blp.response(200, description="整改回复 (PDF, Chinese, A4)", content_type=PDF)
    @blp.alt_response(503, schema=ErrorSchema, description="The server has no usable Chinese font")
    def get(self, notice_id):
        """The rectification report: what was done about each problem, photos before and after, for acceptance

        Available once every problem of the notice is rectified (awaiting verification or closed): 409 before.
        """
        notice = services.get_notice(current_actor(), notice_id)
        services.require_rectified(notice)
        return _pdf(render.reply_pdf(notice), f"reply-{notice.year}-{notice.number}.pdf")
