"""Regions, schools, classes and one user per role per scope."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, select

from ..accounts.services import create_user
from ..extensions import db
from ..schools.models import Region, RegionLevel, School, SchoolType
from ..schools.services import add_class, create_region, create_school
from .waters import PLACES

DEMO_PASSWORD = "demo-pass-2026"

CITY = ("LJ", "临江市", "Linjiang City")
DISTRICTS = [
    ("LJ-DH", "东湖区", "Donghu District"),
    ("LJ-XS", "西山区", "Xishan District"),
    ("LJ-QH", "青河县", "Qinghe County"),
]
# code, district, zh, en, type, boarding, bus, enrolment, floors, address
SCHOOLS = [
    ("DH-SY-XX", "LJ-DH", "东湖区实验小学", "Donghu Experimental Primary School", SchoolType.primary,
     False, False, 1860, 5, "东湖区湖滨路 18 号"),
    ("DH-YG-YEY", "LJ-DH", "东湖区阳光幼儿园", "Donghu Sunshine Kindergarten", SchoolType.kindergarten,
     False, True, 320, 3, "东湖区春晖街 6 号"),
    ("DH-ZX-1", "LJ-DH", "临江市第一中学", "Linjiang No. 1 Senior High School", SchoolType.senior_secondary,
     True, False, 2400, 6, "东湖区学府大道 1 号"),
    ("DH-JY-9", "LJ-DH", "东湖区育才九年一贯制学校", "Donghu Yucai Nine-Year School", SchoolType.nine_year,
     False, True, 1500, 4, "东湖区育才路 99 号"),
    ("XS-ZX-2", "LJ-XS", "西山区第二初级中学", "Xishan No. 2 Junior Secondary School", SchoolType.junior_secondary,
     False, False, 1200, 5, "西山区翠屏路 22 号"),
    ("XS-HX-XX", "LJ-XS", "西山区红星小学", "Xishan Hongxing Primary School", SchoolType.primary,
     False, False, 980, 4, "西山区红星村 3 组"),
    ("XS-ZJ-ZX", "LJ-XS", "临江职业技术学校", "Linjiang Vocational and Technical School", SchoolType.vocational,
     True, True, 2100, 6, "西山区工业园职教路 8 号"),
    ("XS-TJ", "LJ-XS", "西山区特殊教育学校", "Xishan Special Education School", SchoolType.special_education,
     True, True, 180, 3, "西山区康宁路 5 号"),
    ("QH-ZX-XX", "LJ-QH", "青河县中心小学", "Qinghe Central Primary School", SchoolType.primary,
     True, True, 760, 4, "青河县青河镇河堤路 12 号"),
    ("QH-XY-YEY", "LJ-QH", "青河县小雨点幼儿园", "Qinghe Little Raindrop Kindergarten", SchoolType.kindergarten,
     False, False, 150, 2, "青河县青河镇幸福巷 2 号"),
    ("QH-12", "LJ-QH", "青河县十二年一贯制学校", "Qinghe Twelve-Year School", SchoolType.twelve_year,
     True, True, 2600, 5, "青河县城关镇滨河路 66 号"),
    ("QH-HT-ZX", "LJ-QH", "青河县河塘初级中学", "Qinghe Hetang Junior Secondary School", SchoolType.junior_secondary,
     True, True, 640, 4, "青河县河塘乡中心街 1 号"),
]
GRADES = {  # grade numbers and classes per grade, by school type
    SchoolType.kindergarten: (range(1, 4), 3),
    SchoolType.primary: (range(1, 7), 3),
    SchoolType.junior_secondary: (range(7, 10), 4),
    SchoolType.senior_secondary: (range(10, 13), 5),
    SchoolType.nine_year: (range(1, 10), 2),
    SchoolType.twelve_year: (range(1, 13), 2),
    SchoolType.vocational: (range(10, 13), 4),
    SchoolType.special_education: (range(1, 10), 1),
}
KINDERGARTEN_CLASSES = {1: "小班", 2: "中班", 3: "大班"}


def demo_loaded() -> bool:
    return bool(db.session.scalar(select(func.count(School.id))))


def _classes(school: School) -> None:
    grades, per_grade = GRADES[school.type]
    size = max(8, school.enrolment // (len(grades) * per_grade))
    for grade in grades:
        for n in range(1, per_grade + 1):
            prefix = KINDERGARTEN_CLASSES[grade] if school.type == SchoolType.kindergarten else ""
            name = f"{prefix}{n}班"
            add_class(None, school, grade=grade, name=name, student_count=size)


def _user(username: str, display: str, role: str, *, school=None, region=None) -> None:
    create_user(None, username=username, password=DEMO_PASSWORD, display_name=display,
                roles=[{"role": role, "school_code": school, "region_code": region}])


def build_demo_city(progress: Callable[[str], None] = lambda _m: None) -> None:
    """Build the city, its districts and schools, classes and users; later domains add their parts."""
    city = create_region(None, code=CITY[0], name_zh=CITY[1], name_en=CITY[2], level=RegionLevel.city)
    districts = {code: create_region(None, code=code, name_zh=zh, name_en=en, level=RegionLevel.district,
                                     parent=city) for code, zh, en in DISTRICTS}
    progress(f"regions: {city.name_zh} + {len(districts)} districts")
    for code, district, zh, en, kind, boarding, bus, enrolment, floors, address in SCHOOLS:
        school = create_school(None, region=districts[district], code=code, name_zh=zh, name_en=en, type=kind,
                               boarding=boarding, has_school_bus=bus, enrolment=enrolment,
                               max_building_floors=floors, address=address,
                               latitude=PLACES[code][0], longitude=PLACES[code][1])
        _classes(school)
    progress(f"schools: {len(SCHOOLS)} with their classes")
    _user("admin", "系统管理员", "admin")
    _user("office.city", "临江市教育局安全科", "safety_office", region=CITY[0])
    for code, zh, _en in DISTRICTS:
        slug = code.split("-")[1].lower()
        _user(f"office.{slug}", f"{zh}教育局安全股", "safety_office", region=code)
        _user(f"inspector.{slug}", f"{zh}安全督导员", "inspector", region=code)
    for code, *_rest in SCHOOLS:
        slug = code.lower()
        _user(f"principal.{slug}", f"{_rest[1]}校长", "principal", school=code)
        _user(f"officer.{slug}", f"{_rest[1]}安全员", "inspector", school=code)
    db.session.flush()
    progress(f"users: admin, offices, inspectors, a principal and a safety officer per school; "
             f"password {DEMO_PASSWORD}")
    from .activity import build_activity
    build_activity(progress)


def print_logins(echo: Callable[[str], None]) -> None:
    base = current_app.config["PUBLIC_BASE_URL"]
    districts = db.session.scalars(select(Region).where(Region.level == RegionLevel.district)).all()
    echo("")
    echo(f"Demo city ready. API docs: {base}/api/v1/docs   health: {base}/api/v1/health")
    echo(f"Every demo user's password is: {DEMO_PASSWORD}")
    echo("  admin                      system administrator")
    echo("  office.city                city safety office (sees every school)")
    for d in districts:
        slug = d.code.split("-")[1].lower()
        echo(f"  office.{slug:<19} {d.name_zh} safety office;  inspector.{slug}: district inspector")
    echo("  principal.dh-sy-xx         principal of 东湖区实验小学 (sees only that school)")
    echo("  officer.dh-sy-xx           that school's safety officer (inspector)")
    echo("  (principal.<school code> / officer.<school code> for every school)")
    echo(f"Try: curl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: application/json' "
         f"-d '{{\"username\": \"principal.dh-sy-xx\", \"password\": \"{DEMO_PASSWORD}\"}}'")
