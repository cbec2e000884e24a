"""The living part of the demo city: points with labels, weeks of inspections with photos, hazards in every state."""
from __future__ import annotations

import io
import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..accounts.models import Role, RoleAssignment, User
from ..checklists.models import Category, Grade, ItemKind
from ..checklists.services import sync_default_templates
from ..core.clock import frozen, now
from ..extensions import db
from ..hazards import services as hazards
from ..hazards.models import Hazard, HazardSource
from ..inspections.models import Outcome
from ..inspections.services import complete_waiting, submit
from ..photos.services import upload
from ..points.models import Frequency, Point
from ..points.services import create_point
from ..schools.models import School, SchoolType
from .waters import near

# category → (code prefix, frequency, names zh/en)
POINT_KINDS = {
    Category.fire_equipment: ("EXT", Frequency.weekly, [
        ("教学楼{b} {f}F 东侧灭火器", "Block {b} {f}F east extinguisher"),
        ("教学楼{b} {f}F 消火栓箱", "Block {b} {f}F hydrant cabinet")]),
    Category.evacuation_route: ("EVA", Frequency.weekly, [
        ("教学楼{b} {f}F 疏散楼梯", "Block {b} {f}F stairwell"),
        ("教学楼{b} 安全出口", "Block {b} emergency exit")]),
    Category.electrical: ("ELE", Frequency.monthly, [("{b} 栋配电房", "Block {b} switch room")]),
    Category.canteen: ("CAN", Frequency.daily, [
        ("学生食堂后厨", "Canteen kitchen"), ("食堂留样间", "Food sample room")]),
    Category.water_body: ("WAT", Frequency.weekly, [
        ("校门外河塘", "Pond outside the gate"), ("学校西侧小河", "Stream west of campus")]),
    Category.gate_security: ("GAT", Frequency.daily, [("校门口", "Main gate"), ("后门", "Back gate")]),
    Category.building: ("BLD", Frequency.term, [("教学楼{b}", "Teaching block {b}")]),
    Category.laboratory: ("LAB", Frequency.monthly, [
        ("化学实验室", "Chemistry lab"), ("危化品储存室", "Chemicals store")]),
    Category.dormitory: ("DOR", Frequency.daily, [("学生宿舍{b}栋 {f}F", "Dormitory {b} {f}F")]),
    Category.playground: ("PLY", Frequency.monthly, [("运动场", "Sports ground"), ("体育器材室", "Sports store")]),
    Category.school_bus: ("BUS", Frequency.daily, [("校车 {n} 号", "School bus no. {n}")]),
    Category.other: ("OTH", Frequency.monthly, [("图书馆", "Library"), ("心理辅导室", "Counselling room")]),
}
SECONDARY = {SchoolType.junior_secondary, SchoolType.senior_secondary, SchoolType.nine_year, SchoolType.twelve_year,
             SchoolType.vocational}


def _categories(school: School) -> list[Category]:
    wanted = [Category.fire_equipment, Category.evacuation_route, Category.electrical, Category.canteen,
              Category.gate_security, Category.building, Category.playground, Category.other]
    if school.type in SECONDARY:
        wanted.append(Category.laboratory)
    if school.boarding:
        wanted.append(Category.dormitory)
    if school.has_school_bus:
        wanted.append(Category.school_bus)
    if school.region.code == "LJ-QH" or school.code in {"DH-SY-XX", "XS-HX-XX"}:  # schools beside water
        wanted.append(Category.water_body)
    return wanted


def build_points(rng: random.Random) -> int:
    """15–40 points per school across the categories that school has."""
    count = 0
    for school in db.session.scalars(select(School).order_by(School.code)):
        categories, taken = _categories(school), set()
        target = rng.randint(15, 40)
        for n in range(target):
            category = categories[n % len(categories)]
            prefix, frequency, names = POINT_KINDS[category]
            zh, en = names[(n // len(categories)) % len(names)]
            fields = {"b": "AB"[n % 2], "f": n // len(categories) + 1, "n": n // len(categories) + 1}
            name_zh, name_en = _unique(zh.format(**fields), en.format(**fields), taken)
            code = _code(zh, fields, prefix, n)
            create_point(None, school, {"code": code, "name_zh": name_zh, "name_en": name_en,
                                        "category": category, "frequency": frequency,
                                        "location": f"{name_zh}（演示）", **near(school, category, code)})
            count += 1
    return count


def _code(zh: str, fields: dict, prefix: str, n: int) -> str:
    """A code says where a point is only as far as its name does: a floor of a building, a building, or the
    site (S): no "back gate" coded to the fourth floor of block B."""
    place = f"{fields['b']}-{fields['f']}F" if "{f}" in zh else fields["b"] if "{b}" in zh else "S"
    return f"{place}-{prefix}-{n + 1:02d}"


def _unique(zh: str, en: str, taken: set[str]) -> tuple[str, str]:
    """The second 校门口 of a school is 校门口（2）: no two points of a school share a name."""
    number, name_zh, name_en = 1, zh, en
    while name_zh in taken:
        number += 1
        name_zh, name_en = f"{zh}（{number}）", f"{en} ({number})"
    taken.add(name_zh)
    return name_zh, name_en


def scene_photo(rng: random.Random, caption: str) -> bytes:
    """A made-up evidence photo: a coloured scene with a caption, as a phone JPEG would be."""
    image = Image.new("RGB", (960, 720), tuple(rng.randint(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 800), rng.randint(0, 560)
        draw.rectangle((x, y, x + rng.randint(40, 200), y + rng.randint(40, 200)),
                       fill=tuple(rng.randint(0, 255) for _ in range(3)))
    draw.text((20, 680), caption, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _inspectors(school: School) -> list[User]:
    return list(db.session.scalars(select(User).join(RoleAssignment).where(
        RoleAssignment.role == Role.inspector, RoleAssignment.school_id == school.id)))


def _answer(rng: random.Random, item, actor: User, fail: bool) -> dict:
    answer = {"item_id": item.id, "outcome": Outcome.passed, "value": None, "note": "", "photos": []}
    if item.kind == ItemKind.number:
        low, high = item.min_value, item.max_value
        if fail:
            answer["value"] = low - 1 if low is not None else high + 1
        else:
            middle = (low + high) / 2 if None not in (low, high) else None
            answer["value"] = middle if middle is not None else (low + 1 if low is not None else high - 1)
    elif item.kind == ItemKind.choice:
        choice = next(c for c in item.choices if c.get("fails", False) == fail)
        answer["value"] = choice["value"]
    elif item.kind == ItemKind.text:
        answer["value"] = "未发现其他问题" if not fail else "发现异常，已拍照"
    if fail:
        answer["outcome"] = Outcome.failed
        answer["note"] = "现场检查发现问题"
    if item.kind == ItemKind.photo or (fail and item.photo_on_fail):
        photo, _created = upload(actor, scene_photo(rng, f"{item.key} {rng.randint(1000, 9999)}"))
        answer["photos"] = [photo.sha256]
    if fail and item.fail_grade == Grade.general and rng.random() < 0.3:  # 立行立改: fixed while there
        after, _created = upload(actor, scene_photo(rng, f"fixed {item.key} {rng.randint(1000, 9999)}"))
        answer["fixed_on_spot"] = {"note": "现场立即整改完毕", "photos": [after.sha256]}
    return answer


def build_inspections(rng: random.Random, days: int = 21) -> int:
    """A few weeks of inspections at each point's rhythm, a few per cent of items failing."""
    count, today = 0, now()
    for point in db.session.scalars(select(Point).order_by(Point.id)):
        inspectors = _inspectors(point.school)
        step = {Frequency.daily: 3, Frequency.weekly: 7, Frequency.monthly: 14, Frequency.term: 20}[point.frequency]
        for days_ago in range(days, 0, -step):
            if rng.random() < 0.15:  # some rounds are missed: the demo has overdue points
                continue
            at = today - timedelta(days=days_ago, hours=rng.randint(0, 8))
            actor = rng.choice(inspectors)
            version = point.template.current_version
            with frozen(at):
                results = [_answer(rng, item, actor, rng.random() < 0.015) for item in version.items]
                submit(actor, {"client_uuid": str(uuid.uuid4()), "point_id": point.id,
                               "template_version_id": version.id, "started_at": at - timedelta(minutes=6),
                               "submitted_at": at, "results": results})
            count += 1
    return count


def _principal(school_id: int) -> User:
    return db.session.scalar(select(User).join(RoleAssignment).where(
        RoleAssignment.role == Role.principal, RoleAssignment.school_id == school_id))


def _office(school: School) -> User:
    return db.session.scalar(select(User).join(RoleAssignment).where(
        RoleAssignment.role == Role.safety_office, RoleAssignment.region_id == school.region_id))


def move_hazards(rng: random.Random) -> dict[str, int]:
    """Walk the demo's hazards into every state, the way schools really work through them."""
    stages = ["reported", "assigned", "rectifying", "awaiting_verification", "closed", "closed_after_rework",
              "dismissed"]
    tally: dict[str, int] = {}
    # Those fixed on the spot (立行立改) were closed where they were found.
    walked = select(Hazard).where(Hazard.on_the_spot.is_(False)).order_by(Hazard.id)
    for index, hazard in enumerate(db.session.scalars(walked).all()):
        stage = stages[index % len(stages)]
        tally[stage] = tally.get(stage, 0) + 1
        _walk(rng, hazard, stage)
    return tally


def _walk(rng: random.Random, hazard: Hazard, stage: str) -> None:
    school = hazard.school
    principal, officer, office = _principal(school.id), _inspectors(school)[0], _office(school)
    at = hazard.created_at
    def later(hours: int):
        nonlocal at
        at = min(at + timedelta(hours=hours), now() - timedelta(minutes=1))
        return frozen(at)
    if stage == "reported":
        return
    if stage == "dismissed":
        with later(20):
            hazards.dismiss(principal, hazard, "复查确认不属于隐患")
        return
    with later(4):
        hazards.assign(principal, hazard, officer, "请尽快整改")
    if hazard.grade.value == "major":
        with later(6):
            hazards.record_five_fixed(principal, hazard, {
                "measures": "立即设置临时防护并安排专人值守，联系维修单位整改",
                "responsible_person": principal.display_name, "funding": "学校公用经费",
                "deadline": at + timedelta(days=10), "contingency_plan": "整改期间限制学生进入"})
    if stage == "assigned":
        return
    with later(20):
        hazards.start(officer, hazard, "已开始整改")
    if stage == "rectifying":
        return
    rounds = 2 if stage == "closed_after_rework" else 1
    for round_ in range(rounds):
        with later(30):
            photo, _created = upload(officer, scene_photo(rng, f"rectified {hazard.id}-{round_}"))
            complete_waiting(officer, photo.sha256)
            hazards.rectify(officer, hazard, "已完成整改，附整改后照片", [photo.sha256],
                            {"funds": f"{rng.randint(1, 40) * 50}元"})
        if stage == "awaiting_verification":
            return
        verifier = office if hazard.grade.value == "major" else principal
        with later(10):
            hazards.verify(verifier, hazard, accepted=round_ == rounds - 1,
                           note="整改到位" if round_ == rounds - 1 else "照片不清，请补拍整改后全景")


def public_reports(rng: random.Random) -> int:
    points = db.session.scalars(select(Point).where(Point.category.in_([Category.water_body, Category.playground]))
                                .order_by(Point.id).limit(3)).all()
    texts = ["河边护栏有一段被撞坏了，孩子放学常从这里走", "篮球架底座松动，摇晃得厉害", "校门外水塘的救生圈不见了"]
    for point, text in zip(points, texts, strict=False):
        with frozen(now() - timedelta(days=rng.randint(1, 4))):
            hazards.report(None, point.school, {"point": point, "title": text[:60], "description": text,
                                                "phone": "138****0000"}, HazardSource.public)
    return len(points)


def build_activity(progress: Callable[[str], None]) -> None:
    rng = random.Random(20261123)
    created, _updated = sync_default_templates()
    progress(f"checklists: {created} default templates")
    progress(f"points: {build_points(rng)} with QR labels")
    progress(f"inspections: {build_inspections(rng)} over the last three weeks (with photos)")
    tally = move_hazards(rng)
    progress("hazards: " + ", ".join(f"{k} {v}" for k, v in tally.items()) + f"; public reports {public_reports(rng)}")
    from .documents import build_demo_documents
    build_demo_documents(progress)
    from ..escalations.jobs import escalate_hazards
    from .campaigns import build_demo_campaigns
    from .drills import build_demo_drills
    progress(f"escalation: {escalate_hazards(now())} hazards moved up to the district or city queue")
    build_demo_drills(progress)
    build_demo_campaigns(progress)
    from .students import build_demo_students
    build_demo_students(progress)
    from ..rounds.demo import build_demo_rounds
    build_demo_rounds(progress)
