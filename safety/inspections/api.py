from flask.views import MethodView
from marshmallow import ValidationError

from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import ApiError, Invalid, flatten_fields
from ..extensions import db
from . import services
from .coverage import coverage
from .schemas import (
    INSPECTION_EXAMPLE,
    SYNC_EXAMPLE,
    CoverageArgs,
    CoverageSchema,
    InspectionArgs,
    InspectionDetailSchema,
    InspectionIn,
    InspectionSchema,
    SyncIn,
    SyncOut,
)

blp = Blueprint("inspections", __name__, url_prefix="/api/v1", description="Inspections from the phone")


@blp.route("/inspections")
class Inspections(MethodView):
    @blp.arguments(InspectionArgs, location="query")
    @blp.response(200, page_of(InspectionSchema))
    def get(self, args):
        """Inspections at schools the caller can see, newest first"""
        page = paginate(services.visible_inspections(current_actor(), args), args)
        page["items"] = [services.present(i, with_details=False) for i in page["items"]]
        return page

    @blp.arguments(InspectionIn, example=INSPECTION_EXAMPLE)
    @blp.response(201, InspectionDetailSchema)
    @blp.alt_response(200, schema=InspectionDetailSchema, description="A replay of an earlier submission")
    def post(self, data):
        """Submit a checklist, exactly once per `client_uuid`; failed items open hazards"""
        submission = services.submit(current_actor(), data)
        return services.present(submission.inspection, submission=submission), 201 if submission.created else 200


@blp.route("/inspections/coverage")
class Coverage(MethodView):
    @blp.arguments(CoverageArgs, location="query")
    @blp.response(200, CoverageSchema)
    def get(self, args):
        """Inspection coverage (% of due inspections done) per school, district and overall, for a date range"""
        return coverage(current_actor(), args)


@blp.route("/inspections/<int:inspection_id>")
class InspectionDetail(MethodView):
    @blp.response(200, InspectionDetailSchema)
    def get(self, inspection_id):
        """One inspection with its answers, photos and the hazards it found"""
        return services.present(services.get_inspection(current_actor(), inspection_id))


@blp.route("/sync")
class Sync(MethodView):
    @blp.arguments(SyncIn, example=SYNC_EXAMPLE)
    @blp.response(200, SyncOut)
    def post(self, data):
        """Send an offline queue in one call; each submission is kept or rejected on its own"""
        actor, results = current_actor(), []
        for index, raw in enumerate(data["inspections"]):
            results.append(_sync_one(actor, index, raw))
        counts = {k: sum(r["outcome"] == k for r in results) for k in ("created", "already_had", "rejected")}
        return {"results": results, **counts}


def _sync_one(actor, index: int, raw: dict) -> dict:
    """One queued submission in its own savepoint: its failure rolls back only itself."""
    uuid = raw.get("client_uuid") if isinstance(raw, dict) else None
    item = {"index": index, "client_uuid": uuid if isinstance(uuid, str) else None}
    try:
        with db.session.begin_nested():
            submission = services.submit(actor, InspectionIn().load(raw))
        return {**item, "outcome": "created" if submission.created else "already_had",
                "status": 201 if submission.created else 200,
                "inspection": services.present(submission.inspection, submission=submission)}
    except ValidationError as error:
        return {**item, "outcome": "rejected", "status": 422, "error": {
            "code": Invalid.code, "message": str(Invalid.default_message), "fields": flatten_fields(error.messages)}}
    except ApiError as error:
        detail = {"code": error.code, "message": str(error.message)}
        return {**item, "outcome": "rejected", "status": error.status,
                "error": {**detail, "fields": error.fields} if error.fields else detail}
