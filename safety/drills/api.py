from contextlib import closing
from io import BytesIO

from flask import request, send_file
from flask.views import MethodView

from ..core.auth import current_actor
from ..core.pagination import paginate, paginate_list
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import ErrorSchema, UnsupportedMedia
from ..schools.services import get_region
from . import services
from .schemas import (
    CalendarArgs,
    CalendarPeriodIn,
    CalendarPeriodSchema,
    ComplianceArgs,
    ComplianceSchema,
    DrillArgs,
    DrillReportIn,
    DrillReportOut,
    DrillSchema,
    DrillSummarySchema,
    ImprovementDoneIn,
    ImprovementSchema,
    PlanSchema,
    PlanUploadIn,
)

blp = Blueprint("drills", __name__, url_prefix="/api/v1", description="Emergency drills and their compliance calendar")


@blp.route("/drills")
class Drills(MethodView):
    @blp.arguments(DrillArgs, location="query")
    @blp.response(200, page_of(DrillSummarySchema))
    def get(self, args):
        """Drills of the schools the caller can see: overdue first, then those due soonest"""
        return paginate(services.visible_drills(current_actor(), args), args)


@blp.route("/drills/compliance")
class DrillCompliance(MethodView):
    @blp.arguments(ComplianceArgs, location="query")
    @blp.response(200, ComplianceSchema)
    def get(self, args):
        """Share of required drills held on time, per school and per district, over a range of days"""
        return services.compliance(current_actor(), args)


@blp.route("/drills/<int:drill_id>")
class DrillDetail(MethodView):
    @blp.response(200, DrillSchema)
    def get(self, drill_id):
        """One drill with its report and photos"""
        return services.present(services.get_drill(current_actor(), drill_id))


@blp.route("/drills/<int:drill_id>/report")
class DrillReport(MethodView):
    @blp.arguments(DrillReportIn)
    @blp.response(200, DrillReportOut)
    def post(self, data, drill_id):
        """Report a drill: when, who took part, evacuation time, notes, photos; problems found open hazards"""
        actor = current_actor()
        drill, hazards = services.report(actor, services.get_drill(actor, drill_id), data)
        services.present(drill).hazards = hazards
        return drill


@blp.route("/drills/<int:drill_id>/plan")
class DrillPlanFile(MethodView):
    @blp.arguments(PlanUploadIn, location="files")
    @blp.response(201, PlanSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="The drill has been reported")
    @blp.alt_response(413, schema=ErrorSchema, description="Larger than 10 MB")
    @blp.alt_response(415, schema=ErrorSchema, description="Not a PDF or .docx")
    def put(self, files, drill_id):
        """File the drill's plan (方案), a PDF or Word .docx (multipart field `file`); replaces an earlier one"""
        actor = current_actor()
        drill = services.get_drill(actor, drill_id)  # another school's drill is a 404 whatever was sent
        if request.mimetype != "multipart/form-data":
            raise UnsupportedMedia()
        with closing(files["file"]) as upload:  # a large upload is a temporary file: close it now
            name, data = upload.filename, upload.read()
        return services.attach_plan(actor, drill, name, data)

    @blp.response(200, description="The plan file", content_type="application/octet-stream")
    def get(self, drill_id):
        """Download the drill's plan"""
        plan = services.plan_of(services.get_drill(current_actor(), drill_id))
        return send_file(BytesIO(plan.content), mimetype=plan.mime, as_attachment=True,
                         download_name=plan.filename, etag=plan.sha256)


@blp.route("/drills/<int:drill_id>/improvements/<int:improvement_id>/done")
class DrillImprovementDone(MethodView):
    @blp.arguments(ImprovementDoneIn)
    @blp.response(200, ImprovementSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Not an open task")
    def post(self, data, drill_id, improvement_id):
        """Mark an improvement task done (its owner or a manager of the school)"""
        actor = current_actor()
        return services.complete_improvement(actor, services.get_drill(actor, drill_id), improvement_id,
                                             data["note"])


@blp.route("/calendars")
class Calendars(MethodView):
    @blp.arguments(CalendarArgs, location="query")
    @blp.response(200, page_of(CalendarPeriodSchema))
    def get(self, args):
        """School calendar periods (terms, holidays) of a region, of the calendar a school follows, or all readable"""
        return paginate_list(services.calendar_periods(current_actor(), args), args)

    @blp.arguments(CalendarPeriodIn)
    @blp.response(201, CalendarPeriodSchema)
    def post(self, data):
        """Add a term or holiday to a region's school calendar (offices in scope)"""
        actor = current_actor()
        region = get_region(actor, data.pop("region_id"))
        return services.create_period(actor, region, data)


@blp.route("/calendars/<int:period_id>")
class CalendarPeriodDetail(MethodView):
    @blp.response(204)
    def delete(self, period_id):
        """Remove a period from a calendar (drills already created keep their windows)"""
        actor = current_actor()
        services.delete_period(actor, services.get_period(actor, period_id))

