from contextlib import closing

from flask import Response, request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import ApiError, ErrorSchema, Invalid, NotFound, UnsupportedMedia, flatten_fields
from ..extensions import db
from ..signatures.models import SignedSubject
from ..signatures.schemas import SignatureIn, SignatureSchema, multipart_with_file
from ..signatures.services import image_bytes, signatures_of
from . import record, services, signing
from .coverage import coverage
from .schemas import (
    INSPECTION_EXAMPLE,
    SYNC_EXAMPLE,
    CoverageArgs,
    CoverageSchema,
    InspectionArgs,
    InspectionDetailSchema,
    InspectionIn,
    InspectionNoteIn,
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


def _detail(inspection):
    inspection.signatures = signatures_of(SignedSubject.inspection, [inspection.id])
    return services.present(inspection)


@blp.route("/inspections/<int:inspection_id>")
class InspectionDetail(MethodView):
    @blp.response(200, InspectionDetailSchema)
    def get(self, inspection_id):
        """One inspection with its answers, photos, signatures and the hazards it found"""
        return _detail(services.get_inspection(current_actor(), inspection_id))

    @blp.arguments(InspectionNoteIn)
    @blp.response(200, InspectionDetailSchema)
    def patch(self, data, inspection_id):
        """The inspector completes the record's summary note; once signed the record is final (409)"""
        actor = current_actor()
        return _detail(signing.amend_note(actor, services.get_inspection(actor, inspection_id), data["note"]))


@blp.route("/inspections/<int:inspection_id>/signatures")
class InspectionSignatures(MethodView):
    @blp.doc(requestBody=multipart_with_file(SignatureIn, "the signature drawn on the pad, PNG (at most 256 kB)"))
    @blp.arguments(SignatureIn, location="json_or_form")
    @blp.response(201, SignatureSchema)
    def post(self, data, inspection_id):
        """Sign the record: the inspector, or the countersigner on the inspector's phone (multipart `file`, PNG)

        One signature per role, never replaced (409); after the first the record cannot be edited.
        """
        actor = current_actor()
        inspection = services.get_inspection(actor, inspection_id)
        upload = request.files.get("file")
        if request.mimetype != "multipart/form-data" or upload is None:
            raise UnsupportedMedia(_("Send the signature as a multipart form with the PNG as `file`."))
        with closing(upload):  # a large upload is a temporary file: close it now
            image = upload.read()
        return signing.sign(actor, inspection, data["role"], data.get("name"), image)


@blp.route("/inspections/<int:inspection_id>/signatures/<int:signature_id>")
class InspectionSignatureImage(MethodView):
    @blp.response(200, description="The signature as drawn (PNG)", content_type="image/png")
    def get(self, inspection_id, signature_id):
        """One signature's image, to whoever may see the inspection"""
        inspection = services.get_inspection(current_actor(), inspection_id)
        found = next((s for s in signatures_of(SignedSubject.inspection, [inspection.id]) if s.id == signature_id),
                     None)
        if found is None:
            raise NotFound()
        return Response(image_bytes(found), mimetype="image/png")


@blp.route("/inspections/<int:inspection_id>/record.pdf")
class InspectionRecord(MethodView):
    @blp.response(200, description="检查记录 (PDF, Chinese, A4)", content_type="application/pdf")
    @blp.alt_response(503, schema=ErrorSchema, description="The server has no usable Chinese font")
    def get(self, inspection_id):
        """The inspection record to hand over or file: answers, photos, hazards found and signatures"""
        inspection = services.get_inspection(current_actor(), inspection_id)
        return Response(record.record_pdf(inspection), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="inspection-I{inspection.id:06d}.pdf"'})


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
