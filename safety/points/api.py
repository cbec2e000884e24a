from flask.views import MethodView

from ..accounts.scope import Capability, require_school
from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from . import services
from .schemas import PointArgs, PointIn, PointSchema, PointUpdateIn, ScanSchema

blp = Blueprint("points", __name__, url_prefix="/api/v1", description="Inspection points, QR codes and scanning")


class SchoolPointArgs(PointArgs):
    class Meta:
        exclude = ("school_id",)


@blp.route("/schools/<int:school_id>/points")
class SchoolPoints(MethodView):
    @blp.arguments(SchoolPointArgs, location="query")
    @blp.response(200, page_of(PointSchema))
    def get(self, args, school_id):
        """A school's points (with `qr_token` for those who manage the school)"""
        school = require_school(current_actor(), school_id)
        return paginate(services.visible_points(current_actor(), {**args, "school_id": school.id}), args)

    @blp.arguments(PointIn)
    @blp.response(201, PointSchema)
    def post(self, data, school_id):
        """Add a point; without `template_id` it uses the default checklist for its category"""
        actor = current_actor()
        return services.create_point(actor, require_school(actor, school_id, Capability.manage), data)


@blp.route("/points")
class Points(MethodView):
    @blp.arguments(PointArgs, location="query")
    @blp.response(200, page_of(PointSchema))
    def get(self, args):
        """Points at every school the caller can see; `overdue=true` for those past their due time"""
        return paginate(services.visible_points(current_actor(), args), args)


@blp.route("/points/<int:point_id>")
class PointDetail(MethodView):
    @blp.response(200, PointSchema)
    def get(self, point_id):
        """One point"""
        return services.get_point(current_actor(), point_id)

    @blp.arguments(PointUpdateIn)
    @blp.response(200, PointSchema)
    def patch(self, data, point_id):
        """Change a point (its school's principal or an office)"""
        actor = current_actor()
        return services.update_point(actor, services.get_point(actor, point_id, Capability.manage), data)


@blp.route("/points/<int:point_id>/retire")
class PointRetire(MethodView):
    @blp.response(200, PointSchema)
    def post(self, point_id):
        """Retire a point: its history stays, its code stops scanning"""
        actor = current_actor()
        return services.retire_point(actor, services.get_point(actor, point_id, Capability.manage))


@blp.route("/points/<int:point_id>/rotate-qr")
class PointRotateQr(MethodView):
    @blp.response(200, PointSchema)
    def post(self, point_id):
        """Give a point a new QR token; the old label stops working at once"""
        actor = current_actor()
        return services.rotate_qr(actor, services.get_point(actor, point_id, Capability.manage))


@blp.route("/scan/<string:qr_token>")
class Scan(MethodView):
    @blp.response(200, ScanSchema)
    def get(self, qr_token):
        """What scanning a point's code opens: the point, its school, the checklist, open hazards, last inspection"""
        return services.scan_result(services.scan(current_actor(), qr_token))


