"""The page a parent's phone opens from the letter's QR code (plain HTTP: the form needs no JavaScript)."""
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from safety.campaigns.models import Campaign, CampaignDefinition, ClassLetter, ParentReceipt
from safety.campaigns.runs.definitions import sync_default_definitions
from safety.core.clock import now
from safety.extensions import db
from tests.factories import create_class


def _letter(world) -> str:
    sync_default_definitions()
    definition = db.session.scalars(select(CampaignDefinition).order_by(CampaignDefinition.id)).first()
    campaign = Campaign(definition_id=definition.id, region_id=world.city.id, period_key="2026",
                        name_zh="防溺水专项行动",
                        starts_on=date.today() - timedelta(days=3), ends_on=date.today() + timedelta(days=60),
                        opens_at=now() - timedelta(days=3), closes_at=now() + timedelta(days=60))
    db.session.add(campaign)
    db.session.flush()
    school_class = create_class(world.school_a, grade=3, name="2班")
    db.session.add(ClassLetter(campaign_id=campaign.id, school_id=world.school_a.id, class_id=school_class.id,
                               token="letter-token-3-2"))
    db.session.commit()
    return "letter-token-3-2"


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_parent_confirms_once_per_child_and_sees_nothing_else(client, world):
    token = _letter(world)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "防溺水专项行动" in page and "3年级2班" in page
    for _ in range(2):  # the same child twice: one receipt, the same thank-you
        done = client.post(f"/r/{token}", data={"child": "李小明", "signer": "李爸爸",
                                                "csrf_token": _csrf(client.get(f"/r/{token}").get_data(as_text=True))})
        assert done.status_code == 200 and "李小明" not in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ParentReceipt.id))) == 1
    assert client.post(f"/r/{token}", data={"child": "王小红"}).status_code == 400  # no CSRF token
    assert client.get("/r/no-such-letter").status_code == 404
