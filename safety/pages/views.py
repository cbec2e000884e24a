from flask import Blueprint, current_app, render_template

from ..errors import NotFound
from ..points.services import point_by_token

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/pages")


@bp.route("/q/<string:qr_token>")
def scan_landing(qr_token):
    """The address printed in every QR code: names the point and tells how to inspect it."""
    point = point_by_token(qr_token)
    if point is None:
        raise NotFound()
    return render_template("pages/q_point.html", point=point, school=point.school,
                           api_docs=f"{current_app.config['PUBLIC_BASE_URL']}/api/v1/docs")
