"""The demo's points: no two of a school share a name, and a code places a point no more exactly than its name."""
import random
from collections import Counter

from sqlalchemy import select

from safety.checklists.services import sync_default_templates
from safety.demo.activity import build_points
from safety.extensions import db
from safety.points.models import Point


def test_demo_point_names_are_unique_per_school_and_codes_match_them(world):
    sync_default_templates()
    assert build_points(random.Random(7)) > 0
    points = db.session.scalars(select(Point)).all()
    names = Counter((p.school_id, p.name_zh) for p in points)
    assert [key for key, n in names.items() if n > 1] == []
    for point in points:
        if "F" not in point.name_zh and "栋" not in point.name_zh and "教学楼" not in point.name_zh:
            assert point.code.startswith("S-"), (point.code, point.name_zh)  # 校门口, 后门, 校门外河塘 …
