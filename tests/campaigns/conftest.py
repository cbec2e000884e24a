"""A season's world: the city's 2027 school calendar, classes, a water body, and a clock to walk through it."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from safety.campaigns.models import Campaign, CampaignDefinition
from safety.campaigns.runs.definitions import sync_default_definitions
from safety.checklists.models import Category
from safety.core.clock import frozen
from safety.drills.models import CalendarKind, CalendarPeriod
from safety.extensions import db
from safety.points.models import Frequency
from safety.scheduler.registry import run_job
from tests.factories import create_class, create_point, scene

LOCAL = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=12, minute=0) -> datetime:
    """A local moment (the service's timezone), aware."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def run(name: str, moment: datetime) -> int:
    result = run_job(name, moment)
    assert result.status == "ok", result.error
    db.session.expire_all()
    return result.rows_affected


def run_all(moment: datetime) -> None:
    for name in ("campaign_calendar", "campaign_reminders", "campaign_lagging"):
        run(name, moment)


@dataclass
class Api:
    """HTTP calls as a user at a moment (the bearer token is issued at that moment too)."""

    client: object
    world: object

    def call(self, method: str, path: str, user: str | None, moment: datetime, **kwargs):
        with frozen(moment):
            headers = self.world.headers(user) if user else {}
            return getattr(self.client, method)(path, headers=headers, **kwargs)

    def get(self, path, user, moment, **kwargs):
        return self.call("get", path, user, moment, **kwargs)

    def post(self, path, user, moment, **kwargs):
        return self.call("post", path, user, moment, **kwargs)

    def put(self, path, user, moment, **kwargs):
        return self.call("put", path, user, moment, **kwargs)

    def patch(self, path, user, moment, **kwargs):
        return self.call("patch", path, user, moment, **kwargs)

    def delete(self, path, user, moment, **kwargs):
        return self.call("delete", path, user, moment, **kwargs)

    def photo(self, user: str, moment: datetime, data: bytes | None = None, seed: int = 0) -> int:
        response = self.post("/api/v1/photos", user, moment, content_type="multipart/form-data",
                             data={"file": (io.BytesIO(data or scene(seed)), "p.jpg")})
        assert response.status_code in (200, 201), response.json
        return response.json["id"]


@pytest.fixture
def api(client, world):
    return Api(client, world)


@dataclass
class Season:
    classes_a: list
    class_b: object
    classes_c: list
    water_c: object


def calendar_2027(region) -> None:
    """Spring term with the May Day holiday, the summer holiday, the autumn term with National Day."""
    for kind, name, starts, ends in [
            (CalendarKind.term, "2026—2027学年第二学期", date(2027, 2, 22), date(2027, 7, 9)),
            (CalendarKind.holiday, "劳动节", date(2027, 5, 1), date(2027, 5, 5)),
            (CalendarKind.holiday, "暑假", date(2027, 7, 10), date(2027, 8, 31)),
            (CalendarKind.term, "2027—2028学年第一学期", date(2027, 9, 1), date(2028, 1, 14)),
            (CalendarKind.holiday, "国庆节", date(2027, 10, 1), date(2027, 10, 7))]:
        db.session.add(CalendarPeriod(region_id=region.id, kind=kind, name_zh=name, name_en=name, starts_on=starts,
                                      ends_on=ends))


def only(code: str) -> None:
    """Install the shipped definitions and switch off all but one, so a test watches one campaign."""
    sync_default_definitions()
    for definition in db.session.scalars(select(CampaignDefinition)):
        definition.active = definition.code == code


def build_season(world) -> Season:
    calendar_2027(world.city)
    built = Season(
        classes_a=[create_class(world.school_a, grade=3, name=n) for n in ("1班", "2班")],
        class_b=create_class(world.school_b, grade=1, name="小班1班", student_count=30),
        classes_c=[create_class(world.school_c, grade=7, name=n) for n in ("1班", "2班")],
        water_c=create_point(world.school_c, code="C-WAT-01", category=Category.water_body.value,
                             frequency=Frequency.monthly, name_zh="校门外河塘"),
    )
    db.session.commit()
    return built


@pytest.fixture
def season(world) -> Season:
    """The anti-drowning season alone."""
    built = build_season(world)
    only("anti_drowning")
    db.session.commit()
    return built


@pytest.fixture
def term(world) -> Season:
    """The anti-bullying term alone."""
    built = build_season(world)
    only("anti_bullying")
    db.session.commit()
    return built


def campaign(code: str) -> Campaign:
    return db.session.scalar(select(Campaign).join(CampaignDefinition).where(CampaignDefinition.code == code)
                             .order_by(Campaign.id.desc()).limit(1))


def report(api: Api, campaign_id: int, user: str, moment: datetime, **body):
    return api.post(f"/api/v1/campaigns/{campaign_id}/activities", user, moment, json=body)
