"""The danger map's data (危险水域地图, 教基厅函〔2022〕18号 二): the schools, their inspection points and their water
bodies with the ledger facts, as one GeoJSON FeatureCollection (RFC 7946) scoped to what the actor may see.

Positions are WGS 84 [longitude, latitude]. An object without coordinates is still a feature, with a null
geometry (RFC 7946 §3.2), so a GIS tool and the map page can both say what is not placed yet."""
from __future__ import annotations

import json

from flask import Response
from sqlalchemy import select

from ...accounts.models import User
from ...accounts.scope import Capability, school_ids
from ...checklists.models import CATEGORY_NAMES, Category
from ...core.clock import now
from ...extensions import db
from ...points.models import Point
from ...schools.models import School
from ...schools.services import school_ids_in_visible_region
from . import equipment
from .services import present, with_ledgers

MEDIA_TYPE = "application/geo+json"


def _geometry(latitude: float | None, longitude: float | None) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}


def _feature(kind: str, ident: int, latitude, longitude, properties: dict) -> dict:
    return {"type": "Feature", "id": f"{kind}-{ident}", "geometry": _geometry(latitude, longitude),
            "properties": {"kind": kind, **properties}}


def _school_feature(school: School) -> dict:
    return _feature("school", school.id, school.latitude, school.longitude, {
        "id": school.id, "code": school.code, "name": school.name_zh, "type": school.type.value,
        "address": school.address})


def _point_feature(point: Point, as_of) -> dict:
    return _feature("point", point.id, point.latitude, point.longitude, {
        "id": point.id, "school_id": point.school_id, "code": point.code, "name": point.name_zh,
        "category": point.category.value, "category_name": str(CATEGORY_NAMES[point.category]),
        "location": point.location, "overdue": point.next_due_at is not None and point.next_due_at < as_of,
        "next_due_at": point.next_due_at.isoformat() if point.next_due_at else None})


def _water_feature(point: Point, ledger, as_of) -> dict:
    row = present(point, ledger)
    properties = {key: row[key] for key in ("school_id", "code", "name", "location", "on_ledger", "water_type",
                                            "distance_m", "owner", "responsible_unit", "depth_m", "warning_signs",
                                            "rescue_equipment", "responsible_person", "responsible_phone")}
    properties.update(id=point.id, risk_grade=ledger.risk_grade.value if ledger else None,
                      rescue_equipment_names=equipment.names(ledger.rescue_equipment or [], "zh") if ledger else [],
                      overdue=point.next_due_at is not None and point.next_due_at < as_of,
                      last_inspected_at=point.last_inspected_at.isoformat() if point.last_inspected_at else None)
    return _feature("water_body", point.id, point.latitude, point.longitude, properties)


def _schools(actor: User, filters: dict):
    query = select(School).where(School.id.in_(school_ids(actor, Capability.view)), School.active.is_(True))
    if school_id := filters.get("school_id"):
        query = query.where(School.id == school_id)
    if region_id := filters.get("region_id"):
        query = query.where(School.id.in_(school_ids_in_visible_region(actor, region_id)))
    return db.session.scalars(query.order_by(School.code)).all()


def map_features(actor: User, filters: dict) -> dict:
    """Schools, then their live points, then their water bodies (each group in code order)."""
    as_of = now()
    schools = _schools(actor, filters)
    points = db.session.scalars(select(Point).where(Point.school_id.in_([s.id for s in schools]),
                                                    Point.retired_at.is_(None))
                                .order_by(Point.school_id, Point.code)).all() if schools else []
    water = [p for p in points if p.category == Category.water_body]
    features = [_school_feature(school) for school in schools]
    features += [_point_feature(point, as_of) for point in points if point.category != Category.water_body]
    features += [_water_feature(point, ledger, as_of) for point, ledger in with_ledgers(water)]
    return {"type": "FeatureCollection", "features": features}


def response(collection: dict) -> Response:
    return Response(json.dumps(collection, ensure_ascii=False), mimetype=MEDIA_TYPE,
                    headers={"Cache-Control": "no-store"})
