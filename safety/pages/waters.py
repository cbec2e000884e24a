"""The dangerous waters on a page: the danger map (schools, points and water bodies; Leaflet, vendored) with the
ledger beside it, and the ledger form of one water body. Principals see their school, offices their region; the
map's data is the API's GeoJSON (campaigns.waters.geo) behind the page session."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.scope import Capability, may, require_school
from ..campaigns.models import RiskGrade
from ..campaigns.waters import equipment, geo
from ..campaigns.waters import services as waters
from ..campaigns.waters.schemas import WaterBodyIn
from ..core.schemas import MAX_ID
from ..errors import ApiError, NotFound
from ..extensions import db
from . import forms
from .blueprint import bp
from .figures import home_region
from .security import policy_with_images_from
from .session import current_user, login_required

RISK_NAMES = {RiskGrade.high: _l("High risk"), RiskGrade.medium: _l("Medium risk"), RiskGrade.low: _l("Low risk")}
NUMBERS = ("distance_m", "depth_m", "warning_signs")
TEXTS = ("water_type", "owner", "responsible_unit", "responsible_person", "responsible_phone", "notes")


def _scope(user) -> tuple[dict, object | None]:
    """The filters the page was asked for (a school, a region, else everything the user sees) and its subject."""
    if school_id := request.args.get("school", type=int):
        if not 0 < school_id <= MAX_ID:  # no INTEGER column holds it: not found, never a database error
            raise NotFound()
        return {"school_id": school_id}, require_school(user, school_id)
    if region_id := request.args.get("region", type=int):
        return {"region_id": region_id}, home_region(user, region_id)
    return {}, None


@bp.route("/waters")
@login_required
def waters_map():
    user = current_user()
    filters, subject = _scope(user)
    rows = waters.with_ledgers(db.session.scalars(waters.visible_water_bodies(user, filters)).all())
    tiles = current_app.config.get("MAP_TILE_URL", "")
    html = render_template("pages/waters.html", subject=subject, rows=rows, risk_names=RISK_NAMES,
                           data_url=url_for("pages.waters_geojson", **request.args),
                           tiles=tiles, attribution=current_app.config.get("MAP_TILE_ATTRIBUTION", ""),
                           subdomains=current_app.config.get("MAP_TILE_SUBDOMAINS", "abc"),
                           equipment_names=equipment.names)
    return html, 200, {"Content-Security-Policy": policy_with_images_from(tiles)} if tiles else {}


@bp.route("/waters/map.geojson")
@login_required
def waters_geojson():
    user = current_user()
    filters, _subject = _scope(user)
    return geo.response(geo.map_features(user, filters))


def _form_page(point, ledger, error: ApiError | None = None, status: int = 200):
    return render_template("pages/water_body.html", point=point, ledger=ledger, risk_names=RISK_NAMES,
                           equipment=equipment.equipment(), error=error, form=request.form), status


@bp.route("/waters/<int:point_id>")
@login_required
def water_body_page(point_id: int):
    user = current_user()
    point, ledger = waters.get_water_body(user, point_id)
    if not may(user, Capability.manage, point.school_id):
        return redirect(url_for("pages.waters_map", school=point.school_id), 303)
    return _form_page(point, ledger)


@bp.route("/waters/<int:point_id>", methods=["POST"])
@login_required
def water_body_save(point_id: int):
    user = current_user()
    point, ledger = waters.get_water_body(user, point_id)
    data = {name: forms.text(name) for name in TEXTS}
    data.update({name: forms.text(name) or None for name in NUMBERS})
    data.update(risk_grade=forms.text("risk_grade"), rescue_equipment=request.form.getlist("rescue_equipment"))
    try:
        waters.update_ledger(user, point, ledger, forms.load(WaterBodyIn, data))
    except ApiError as error:
        db.session.rollback()
        return _form_page(point, ledger, error, error.status)
    flash(_("Saved."), "ok")
    return redirect(url_for("pages.waters_map", school=point.school_id), 303)
