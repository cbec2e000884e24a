from datetime import timedelta

from flask import Response, current_app, request
from flask.views import MethodView
from flask_babel import gettext as _

from ..accounts.scope import Capability, require_school
from ..audit.services import client_ip
from ..core import ratelimit
from ..core.auth import current_actor, public
from ..core.openapi import json_or_multipart
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import ErrorSchema, Invalid, NotFound
from ..notices import render
from ..photos.services import resolve_refs, upload
from ..points.services import get_point, point_by_token
from . import ledger, services
from .models import HazardSource
from .schemas import (
    RECTIFY_EXAMPLE,
    VERIFY_EXAMPLE,
    AssignIn,
    CountArgs,
    DismissIn,
    FiveFixedIn,
    HazardArgs,
    HazardCountsSchema,
    HazardIn,
    HazardSchema,
    HazardSummarySchema,
    LedgerArgs,
    NoteIn,
    PublicReportIn,
    PublicReportOut,
    RectifyIn,
    ReopenIn,
    VerifyIn,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

blp = Blueprint("hazards", __name__, url_prefix="/api/v1", description="Hazards and their lifecycle")


@blp.route("/hazards")
class Hazards(MethodView):
    @blp.arguments(HazardArgs, location="query")
    @blp.response(200, page_of(HazardSummarySchema))
    def get(self, args):
        """Hazards the caller can see: open and overdue first, then by deadline"""
        return paginate(services.visible_hazards(current_actor(), args), args)

    @blp.arguments(HazardIn)
    @blp.response(201, HazardSchema)
    def post(self, data):
        """Report a hazard directly (not from a checklist), with photos"""
        actor = current_actor()
        school = require_school(actor, data.pop("school_id"), Capability.inspect)
        if point_id := data.pop("point_id", None):
            data["point"] = get_point(actor, point_id)
            if data["point"].school_id != school.id:
                raise Invalid(fields={"point_id": [_("Not a point of this school.")]})
        data["photos"] = resolve_refs(actor, data["photos"], "photos")
        return services.present(services.report(actor, school, data, HazardSource.direct))


@blp.route("/hazards/counts")
class HazardCounts(MethodView):
    @blp.arguments(CountArgs, location="query")
    @blp.response(200, HazardCountsSchema, description="Hazard counts by status")
    def get(self, args):
        """How many visible hazards are in each status (same filters as the list)"""
        return services.count_by_status(current_actor(), args)


@blp.route("/hazards/ledger.xlsx")
class HazardLedger(MethodView):
    @blp.arguments(LedgerArgs, location="query")
    @blp.response(200, description="The hazard ledger (隐患台账)", content_type=XLSX)
    def get(self, args):
        """The hazard ledger (隐患台账) for a school, a district or the city and a date range, as offices file it

        The offices' columns (排查时间 … 验收意见, 挂牌督办, 延期次数, 状态/销号日期) with the before and after
        photos as thumbnails; prints on A4 landscape with the header repeated on every page.
        """
        actor = current_actor()
        data = ledger.ledger_xlsx(services.visible_hazards(actor, args))
        scope = args.get("school_id") or args.get("region_id") or "all"
        return Response(data, mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="hazard-ledger-{scope}.xlsx"'})


@blp.route("/hazards/<int:hazard_id>/notice.pdf")
class HazardNotice(MethodView):
    @blp.response(200, description="整改通知书 (PDF, Chinese)", content_type="application/pdf")
    @blp.alt_response(503, schema=ErrorSchema, description="The server has no usable Chinese font")
    def get(self, hazard_id):
        """A rectification notice for one hazard"""
        return render.notice_response(services.get_hazard(current_actor(), hazard_id))


@blp.route("/hazards/<int:hazard_id>")
class HazardDetail(MethodView):
    @blp.response(200, HazardSchema)
    def get(self, hazard_id):
        """One hazard with its whole history"""
        return services.present(services.get_hazard(current_actor(), hazard_id))


def _act(hazard_id, action, *args, **kwargs):
    actor = current_actor()
    hazard = services.get_hazard(actor, hazard_id)
    return services.present(action(actor, hazard, *args, **kwargs))


@blp.route("/hazards/<int:hazard_id>/assign")
class HazardAssign(MethodView):
    @blp.arguments(AssignIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Assign someone at the school to rectify it (reported or assigned → assigned)"""
        return _act(hazard_id, services.assign, services.assignee(data["assignee_id"]), data["note"],
                    data.get("deadline"))


@blp.route("/hazards/<int:hazard_id>/five-fixed")
class HazardFiveFixed(MethodView):
    @blp.arguments(FiveFixedIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Record the 五落实 plan of a major hazard: responsibility, measures, funds, deadline, contingency

        落实责任、措施、资金、时限和预案, and the interim measures until it is fixed. The path keeps its old name.
        """
        return _act(hazard_id, services.record_five_fixed, data)


@blp.route("/hazards/<int:hazard_id>/start")
class HazardStart(MethodView):
    @blp.arguments(NoteIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Rectification has started (assigned → rectifying)"""
        return _act(hazard_id, services.start, data["note"])


@blp.route("/hazards/<int:hazard_id>/rectify")
class HazardRectify(MethodView):
    @blp.arguments(RectifyIn, example=RECTIFY_EXAMPLE)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Rectified, with a note and photo evidence (→ awaiting verification)"""
        actor = current_actor()
        hazard = services.get_hazard(actor, hazard_id)  # 404 before looking at the photos
        photos = resolve_refs(actor, data["photos"], "photos")
        return services.present(services.rectify(actor, hazard, data["note"], photos, services.ledger_of(data)))


@blp.route("/hazards/<int:hazard_id>/verify")
class HazardVerify(MethodView):
    @blp.arguments(VerifyIn, example=VERIFY_EXAMPLE)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Accept (→ closed) or reject (→ rectifying) a rectification; not by the rectifier"""
        return _act(hazard_id, services.verify, data["accepted"], data["note"])


@blp.route("/hazards/<int:hazard_id>/dismiss")
class HazardDismiss(MethodView):
    @blp.arguments(DismissIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Not a hazard after all (reported or assigned → dismissed), with the reason"""
        return _act(hazard_id, services.dismiss, data["reason"])


@blp.route("/hazards/<int:hazard_id>/reopen")
class HazardReopen(MethodView):
    @blp.arguments(ReopenIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """Reopen a closed hazard found not fixed after all (closed → rectifying), with a new deadline by its grade"""
        return _act(hazard_id, services.reopen, data["reason"])


@blp.route("/public/reports/<string:qr_token>")
@public
class PublicReport(MethodView):
    @blp.doc(security=[], requestBody=json_or_multipart(PublicReportIn, file="an optional photo of the problem"))
    @blp.arguments(PublicReportIn, location="json_or_form")
    @blp.response(202, PublicReportOut)
    def post(self, data, qr_token):
        """Anyone who scans a point's code reports a problem there (optional photo as multipart `file`).

        It lands in that school's queue as an unverified report; nothing about the school is revealed.
        """
        cfg, hour = current_app.config, timedelta(hours=1)
        # Counted before anything is looked up or decoded, and kept whatever the answer (unknown codes too).
        ratelimit.take("public_report", [f"ip:{client_ip()}"], cfg["PUBLIC_REPORTS_PER_HOUR"], hour)
        ratelimit.take("public_report_point", [ratelimit.token_key("point", qr_token)],
                       cfg["PUBLIC_REPORTS_PER_POINT_HOUR"], hour)
        point = point_by_token(qr_token)
        if point is None:
            raise NotFound()
        photos = []
        if (file := request.files.get("file")) is not None:
            photos = [upload(None, file.read())[0].sha256]
        description = data["description"].strip()
        hazard = services.report(None, point.school, {
            "point": point, "title": description[:60], "description": description, "phone": data.get("phone"),
            "photos": photos}, HazardSource.public)
        return {"received": True, "reference": f"H{hazard.id:06d}"}
