import marshmallow as ma
from flask import Response
from flask.views import MethodView
from webargs.fields import DelimitedList

from ..accounts.scope import Capability, require_school
from ..checklists.models import Category
from ..core.auth import current_actor
from ..core.parsing import Blueprint
from ..core.schemas import StrictSchema
from ..errors import ErrorSchema
from ..points.services import get_point
from . import services

blp = Blueprint("labels", __name__, url_prefix="/api/v1", description="Printable QR labels")


class LabelArgs(StrictSchema):
    template = ma.fields.String(load_default="a4-stickers-3x8", validate=ma.validate.Length(max=64),
                                metadata={"description": "a point-label layout (not a parent-letter one)"})
    category = ma.fields.Enum(Category, by_value=True)
    points = DelimitedList(ma.fields.String(validate=ma.validate.Length(max=32)),
                           metadata={"description": "point codes, comma-separated"})


class OneLabelArgs(StrictSchema):
    template = ma.fields.String(load_default="thermal-50x30", validate=ma.validate.Length(max=64),
                                metadata={"description": "a point-label layout (not a parent-letter one)"})


NO_FONT = "The server has no usable Chinese font (the operator's to fix: `safety doctor`)"


@blp.route("/schools/<int:school_id>/qr-labels.pdf")
class SchoolLabels(MethodView):
    @blp.arguments(LabelArgs, location="query")
    @blp.response(200, description="A print-ready PDF (300 dpi)", content_type="application/pdf")
    @blp.alt_response(503, schema=ErrorSchema, description=NO_FONT)
    def get(self, args, school_id):
        """Print a school's point labels (those who manage the school: the labels carry live tokens)"""
        actor = current_actor()
        school = require_school(actor, school_id, Capability.manage)
        points = services.school_points(actor, school, {"category": args.get("category"),
                                                        "codes": args.get("points")})
        pdf = services.school_labels_pdf(points, args["template"])
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="qr-labels-{school.code}.pdf"',
            "Cache-Control": "no-store"})


@blp.route("/points/<int:point_id>/qr-label.png")
class PointLabel(MethodView):
    @blp.arguments(OneLabelArgs, location="query")
    @blp.response(200, description="One label as PNG", content_type="image/png")
    @blp.alt_response(503, schema=ErrorSchema, description=NO_FONT)
    def get(self, args, point_id):
        """One point's label as an image"""
        point = get_point(current_actor(), point_id, Capability.manage)
        return Response(services.point_label_png(point, args["template"]), mimetype="image/png",
                        headers={"Cache-Control": "no-store"})
