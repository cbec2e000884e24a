"""Factories (`create_*`) with sane defaults, and a small two-district world most API tests start from."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from safety.accounts.models import ApiToken, Role, RoleAssignment, User
from safety.accounts.passwords import hash_password
from safety.core.auth import new_token
from safety.core.clock import now
from safety.extensions import db
from safety.schools.models import Region, RegionLevel, School, SchoolClass, SchoolType

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def create_region(code=None, level=RegionLevel.district, parent=None, name_zh=None) -> Region:
    n = next(_seq)
    region = Region(code=code or f"R{n}", name_zh=name_zh or f"测试区{n}", name_en=f"Test Region {n}",
                    level=level, parent=parent)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    return region


def create_school(region: Region, code=None, type=SchoolType.primary, **fields) -> School:
    n = next(_seq)
    school = School(code=code or f"S{n}", name_zh=fields.pop("name_zh", f"测试学校{n}"),
                    name_en=fields.pop("name_en", f"Test School {n}"), region=region, type=type, **fields)
    db.session.add(school)
    db.session.flush()
    return school


def create_class(school: School, grade=1, name=None, student_count=40) -> SchoolClass:
    school_class = SchoolClass(school=school, grade=grade, name=name or f"{next(_seq)}班",
                               student_count=student_count)
    db.session.add(school_class)
    db.session.flush()
    return school_class


def create_user(role: Role | str | None = None, *, school=None, region=None, username=None,
                password=PASSWORD, active=True) -> User:
    user = User(username=username or f"user{next(_seq)}", display_name="测试用户",
                password_hash=hash_password(password), active=active)
    if role is not None:
        user.roles = [RoleAssignment(role=Role(role), school=school, region=region)]
    db.session.add(user)
    db.session.flush()
    return user


def auth_headers(user: User) -> dict:
    """A fresh bearer token for the user, as a header dict."""
    token, token_hash = new_token()
    from flask import current_app
    db.session.add(ApiToken(token_hash=token_hash, user_id=user.id,
                            expires_at=now() + current_app.config["TOKEN_LIFETIME"]))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    """city ─┬─ district_a ─┬─ school_a  (principal_a, officer_a)
             │              └─ school_b  (principal_b)
             └─ district_b ─── school_c  (principal_c)
    plus admin, city_office, office_a, office_b and a district inspector for district_a."""

    city: Region
    district_a: Region
    district_b: Region
    school_a: School
    school_b: School
    school_c: School
    admin: User
    city_office: User
    office_a: User
    office_b: User
    principal_a: User
    principal_b: User
    principal_c: User
    officer_a: User
    district_inspector_a: User

    def headers(self, name: str) -> dict:
        return auth_headers(getattr(self, name))


def build_world() -> World:
    city = create_region("CITY", RegionLevel.city, name_zh="测试市")
    district_a = create_region("DA", parent=city, name_zh="甲区")
    district_b = create_region("DB", parent=city, name_zh="乙区")
    school_a = create_school(district_a, "SA", name_zh="甲区第一小学", name_en="District A No.1 Primary")
    school_b = create_school(district_a, "SB", type=SchoolType.kindergarten)
    school_c = create_school(district_b, "SC", type=SchoolType.junior_secondary)
    world = World(
        city=city, district_a=district_a, district_b=district_b,
        school_a=school_a, school_b=school_b, school_c=school_c,
        admin=create_user(Role.admin, username="admin"),
        city_office=create_user(Role.safety_office, region=city, username="city_office"),
        office_a=create_user(Role.safety_office, region=district_a, username="office_a"),
        office_b=create_user(Role.safety_office, region=district_b, username="office_b"),
        principal_a=create_user(Role.principal, school=school_a, username="principal_a"),
        principal_b=create_user(Role.principal, school=school_b, username="principal_b"),
        principal_c=create_user(Role.principal, school=school_c, username="principal_c"),
        officer_a=create_user(Role.inspector, school=school_a, username="officer_a"),
        district_inspector_a=create_user(Role.inspector, region=district_a, username="inspector_da"),
    )
    db.session.commit()
    return world


@pytest.fixture
def world() -> World:
    return build_world()


# --- checklists and points ------------------------------------------------------------------------------

SMALL_CHECKLIST = [
    {"key": "gauge", "kind": "pass_fail", "text_zh": "压力表指针在绿区", "text_en": "Gauge in the green zone",
     "photo_on_fail": True},
    {"key": "pressure", "kind": "number", "text_zh": "压力读数", "text_en": "Pressure reading", "unit": "MPa",
     "min_value": 0.8, "max_value": 1.4},
    {"key": "access", "kind": "choice", "text_zh": "通道状况", "text_en": "Access",
     "choices": [{"value": "clear", "zh": "畅通", "en": "clear"},
                 {"value": "blocked", "zh": "堵塞", "en": "blocked", "fails": True}]},
    {"key": "exit_locked", "kind": "pass_fail", "text_zh": "安全出口未上锁", "text_en": "Exit not locked",
     "fail_grade": "major"},
    {"key": "remarks", "kind": "text", "text_zh": "其他发现", "text_en": "Other findings"},
]


def create_template(category="fire_equipment", items=None, code=None, region=None):
    from safety.checklists.models import Category
    from safety.checklists.schemas import TemplateIn
    from safety.checklists.services import create_template as create
    data = TemplateIn().load({"code": code or f"t{next(_seq)}", "category": category, "name_zh": "测试检查表",
                              "name_en": "Test checklist", "items": items or SMALL_CHECKLIST})
    data["category"] = Category(data["category"])
    return create(None, data, region)


def create_point(school, template=None, code=None, category="fire_equipment", **fields):
    from safety.checklists.models import Category
    from safety.points.models import Frequency
    from safety.points.services import create_point as create
    template = template or create_template(category)
    data = {"code": code or f"P-{next(_seq)}", "name_zh": fields.pop("name_zh", "一楼走廊灭火器"),
            "name_en": "Ground floor extinguisher", "category": Category(category),
            "frequency": fields.pop("frequency", Frequency.weekly), "template_id": template.id, **fields}
    return create(None, school, data)


def answers(version, **overrides):
    """A passing answer for every item of a version; `overrides` by item key replace single answers."""
    default = {"pass_fail": {"outcome": "pass"}, "number": {"outcome": "pass", "value": 1.0},
               "choice": {"outcome": "pass", "value": "clear"}, "text": {"outcome": "pass", "value": "无"},
               "photo": {"outcome": "pass", "photos": ["0" * 64]}}
    return [{"item_id": item.id, **overrides.get(item.key, default[item.kind.value])} for item in version.items]


def jpeg_bytes(size=(640, 480), colour=(200, 30, 30), seed: int = 0) -> bytes:
    """A real JPEG; `seed` varies the content so each call can make distinct bytes."""
    import io

    from PIL import Image, ImageDraw
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((seed % 200, 20, seed % 200 + 120, 140), fill=(20, 20, 220))
    draw.text((10, size[1] - 30), f"evidence {seed}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def scene(seed: int) -> bytes:
    """A distinct picture per seed (random blocks), so perceptual hashes of different seeds are far apart."""
    import io
    import random

    from PIL import Image, ImageDraw
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), tuple(rng.randint(0, 255) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x, y = rng.randint(0, 560), rng.randint(0, 400)
        draw.rectangle((x, y, x + rng.randint(40, 300), y + rng.randint(40, 300)),
                       fill=tuple(rng.randint(0, 255) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def upload_photo(client, headers, data: bytes, name="photo.jpg"):
    import io
    return client.post("/api/v1/photos", data={"file": (io.BytesIO(data), name)}, headers=headers,
                       content_type="multipart/form-data")


def enqueue(recipient_id: int, kind: str, subject_type: str, subject_id: int, school_id: int | None,
            suffix: str | None = None) -> int:
    """One notification through the path every producer uses (`enqueue_select`), for the outbox tests: the
    dedupe key is kind:subject_type:subject_id:recipient, with `:suffix` when given (a daily reminder's day)."""
    from sqlalchemy import Integer, literal, select

    from safety.notifications.services import enqueue_select
    rows = select(literal(recipient_id, Integer), literal(subject_id, Integer), literal(school_id, Integer))
    return enqueue_select(kind, subject_type, rows,
                          key_suffix=None if suffix is None else lambda _source: literal(suffix))
