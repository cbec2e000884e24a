from flask import request, send_file
from flask.views import MethodView

from ..core.auth import current_actor
from ..core.parsing import Blueprint
from ..errors import UnsupportedMedia
from ..inspections.services import complete_waiting
from . import services
from .schemas import PhotoArgs, PhotoSchema, PhotoUploadIn

blp = Blueprint("photos", __name__, url_prefix="/api/v1", description="Photo evidence")


@blp.route("/photos")
class Photos(MethodView):
    @blp.doc(operationId="photos_upload")
    @blp.arguments(PhotoUploadIn, location="files")
    @blp.response(201, PhotoSchema)
    @blp.alt_response(200, schema=PhotoSchema, description="The same bytes were uploaded before")
    def post(self, files):
        """Upload a photo (multipart field `file`); the format is read from the bytes, not the name"""
        if request.mimetype != "multipart/form-data":
            raise UnsupportedMedia()
        actor = current_actor()
        photo, created = services.upload(actor, files["file"].read())
        if created:
            complete_waiting(actor, photo.sha256)
        return photo, 201 if created else 200


@blp.route("/photos/<int:photo_id>")
class PhotoDetail(MethodView):
    @blp.arguments(PhotoArgs, location="query")
    @blp.response(200, description="The image (JPEG for thumb and display; the original bytes as uploaded)",
                  content_type="image/jpeg")
    @blp.alt_response(304, description="Not modified: the copy the client holds (its ETag) is current")
    def get(self, args, photo_id):
        """The photo, to its uploader and those who may see an inspection or hazard that uses it"""
        photo = services.get_visible(current_actor(), photo_id)
        size = args["size"]
        response = send_file(services.open_copy(photo, size), etag=f"{photo.sha256}-{size}", conditional=True,
                             mimetype=photo.mime if size == "original" else "image/jpeg", max_age=86400)
        response.headers["Cache-Control"] = "private, max-age=86400, immutable"
        return response
