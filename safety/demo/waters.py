"""The demo's dangerous waters: the schools and points placed on the map, and the ledger filled in as a village
survey would (owners like 村民委员会 or 水利站, depths by kind of water, signs, rescue equipment, grades)."""
from __future__ import annotations

import math
import random
import re

from sqlalchemy import select

from ..campaigns.models import RiskGrade
from ..campaigns.waters.services import update_ledger
from ..checklists.models import Category
from ..extensions import db
from ..points.models import Point
from ..schools.models import School

# School gates in the (invented) city of 临江: 东湖区 downtown, 西山区 to the west, 青河县 along the river to the south.
PLACES = {
    "DH-SY-XX": (29.7142, 115.9921), "DH-YG-YEY": (29.7085, 116.0038), "DH-ZX-1": (29.7221, 115.9807),
    "DH-JY-9": (29.7013, 115.9874), "XS-ZX-2": (29.7048, 115.9312), "XS-HX-XX": (29.6917, 115.9105),
    "XS-ZJ-ZX": (29.7189, 115.9226), "XS-TJ": (29.6986, 115.9418), "QH-ZX-XX": (29.6023, 115.9655),
    "QH-XY-YEY": (29.5987, 115.9712), "QH-12": (29.6134, 115.9538), "QH-HT-ZX": (29.5718, 115.9902),
}
# Who owns a water and who answers for it, by kind of water (a county's survey sheets look like this).
KEEPERS = {
    "池塘": [("{village}村村民委员会", "{village}村村民委员会"), ("个人承包（养殖户）", "{village}村村民委员会")],
    "河流": [("{town}水利站", "{town}人民政府"), ("{county}水利局", "{town}水利站")],
    "水库": [("县水库管理所", "县水库管理所")],
    "沟渠": [("{village}村村民委员会", "{town}水利站")],
}
DEPTHS = {"池塘": (1.2, 3.5), "河流": (1.5, 5.0), "水库": (4.0, 18.0), "沟渠": (0.6, 1.8)}
VILLAGES = ["石桥", "柳湾", "河塘", "陈家", "红星", "青河"]
EQUIPMENT = ["life_ring", "rescue_rope", "rescue_pole", "fence", "camera"]
METRES_PER_DEGREE = 111_320


def place(school: School) -> dict:
    latitude, longitude = PLACES.get(school.code, (29.70, 115.95))
    return {"latitude": latitude, "longitude": longitude}


def near(school: School, category, key: str) -> dict:
    """A point's position: around the gate (within ~120 m); a water body 80–900 m away. Seeded by the point's key
    so the demo's other random draws stay as they were."""
    rng, gate = random.Random(f"{school.code}/{key}"), place(school)
    metres = rng.uniform(80, 900) if category == Category.water_body else rng.uniform(5, 120)
    bearing = rng.uniform(0, 2 * math.pi)
    north, east = metres * math.cos(bearing), metres * math.sin(bearing)
    east_per_degree = METRES_PER_DEGREE * math.cos(math.radians(gate["latitude"]))
    return {"latitude": round(gate["latitude"] + north / METRES_PER_DEGREE, 6),
            "longitude": round(gate["longitude"] + east / east_per_degree, 6)}


def _distance(school: School, point: Point) -> int:
    gate = place(school)
    north = (point.latitude - gate["latitude"]) * METRES_PER_DEGREE
    east = (point.longitude - gate["longitude"]) * METRES_PER_DEGREE * math.cos(math.radians(gate["latitude"]))
    return round(math.hypot(north, east) / 10) * 10


def _town(school: School) -> str:
    """The township (镇, 乡) of a county school's address, else its district (an urban school)."""
    found = re.search(r"县(.+?[镇乡])", school.address)
    return found.group(1) if found else school.region.name_zh


def _grade(depth: float, distance: int, equipment: list[str]) -> RiskGrade:
    """Deep water near the gate with little equipment is high risk (the survey's judgement, roughly)."""
    score = (depth >= 2) + (distance < 300) + (len(equipment) < 3)
    return RiskGrade.high if score >= 2 else RiskGrade.medium if score == 1 else RiskGrade.low


def build_water_ledger(rng: random.Random, principal_of) -> int:
    points = db.session.scalars(select(Point).where(Point.category == Category.water_body).order_by(Point.id)).all()
    kinds = {"塘": "池塘", "库": "水库", "渠": "沟渠", "河": "河流"}  # 河塘 is a pond
    for point in points:
        water_type = next((v for k, v in kinds.items() if k in point.name_zh), "河流")
        village, town = rng.choice(VILLAGES), _town(point.school)
        owner, unit = (text.format(village=village, town=town, county=point.school.region.name_zh)
                       for text in rng.choice(KEEPERS[water_type]))
        low, high = DEPTHS[water_type]
        depth = round(rng.uniform(low, high), 1)
        equipment = sorted(rng.sample(EQUIPMENT, rng.randint(1, 5)), key=EQUIPMENT.index)
        distance = _distance(point.school, point) if point.latitude is not None else rng.randint(80, 900)
        update_ledger(principal_of(point.school), point, None, {
            "risk_grade": _grade(depth, distance, equipment), "water_type": water_type, "distance_m": distance,
            "owner": owner, "responsible_unit": unit, "depth_m": depth, "warning_signs": rng.randint(0, 4),
            "rescue_equipment": equipment,
            "responsible_person": f"{rng.choice('陈王李张刘周')}{rng.choice(['建国', '志强', '海明', '卫东'])}",
            "responsible_phone": f"139{rng.randint(10_000_000, 99_999_999)}",
            "notes": "汛期及暑假每日巡查，午后、傍晚重点巡查" if depth >= 2 else ""})
    return len(points)
