from sqlalchemy import func, select

from safety.accounts.models import Role, User
from safety.extensions import db
from safety.schools.models import Region, School, SchoolClass
from tests.api.test_auth import login


def test_create_user_with_password_option(runner, world):
    result = runner.invoke(args=["create-user", "--username", "li.wei", "--role", "principal",
                                 "--school", "SA", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "li.wei"))
    assert [(r.role, r.school.code) for r in user.roles] == [(Role.principal, "SA")]


def test_create_user_prompts_for_the_password(runner, world, client):
    result = runner.invoke(args=["create-user", "--username", "zhao", "--role", "safety_office", "--region", "DA"],
                           input="prompted-password\nprompted-password\n")
    assert result.exit_code == 0, result.output
    assert login(client, "zhao", "prompted-password").status_code == 200


def test_create_user_reports_problems_plainly(runner, world):
    result = runner.invoke(args=["create-user", "--username", "x1", "--role", "principal",
                                 "--password", "long-enough-pw"])
    assert result.exit_code != 0
    assert "Error" in result.output and "role" in result.output
    assert db.session.scalar(select(User).where(User.username == "x1")) is None


def test_demo_builds_a_city_and_a_principal_sees_only_their_school(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "principal.dh-sy-xx" in result.output and "demo-pass-2026" in result.output
    assert db.session.scalar(select(func.count(Region.id))) == 4
    assert db.session.scalar(select(func.count(School.id))) == 12
    assert db.session.scalar(select(func.count(SchoolClass.id))) > 100
    _has_signed_paperwork()
    _has_a_surveyed_water_ledger()
    token = login(client, "principal.dh-sy-xx", "demo-pass-2026").json["access_token"]
    schools = client.get("/api/v1/schools", headers={"Authorization": f"Bearer {token}"}).json
    assert [s["code"] for s in schools["items"]] == ["DH-SY-XX"]
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "already loaded" in again.output
    assert db.session.scalar(select(func.count(School.id))) == 12


def _has_a_surveyed_water_ledger() -> None:
    """Every demo water body is on the ledger as a survey fills it in, and every school is on the map."""
    from safety.campaigns.models import WaterBody
    ledgers = db.session.scalars(select(WaterBody)).all()
    assert ledgers and all(w.owner and w.responsible_unit and w.depth_m and w.rescue_equipment for w in ledgers)
    assert {w.water_type for w in ledgers} >= {"池塘", "河流"} and len({w.risk_grade for w in ledgers}) >= 2
    assert db.session.scalar(select(func.count(School.id)).where(School.latitude.is_(None))) == 0


def _has_signed_paperwork() -> None:
    """The demo shows signed records, countersigned ones, notices with receipts and on-the-spot fixes."""
    from safety.hazards.models import Hazard
    from safety.notices.models import Notice
    from safety.signatures.models import Signature, SignerRole
    roles = dict(db.session.execute(select(Signature.role, func.count()).group_by(Signature.role)).all())
    assert roles.get(SignerRole.inspector, 0) > 10 and roles.get(SignerRole.countersigner, 0) > 5
    assert roles.get(SignerRole.receiver, 0) > 0
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.received_at.is_not(None))) > 0
    assert db.session.scalar(select(func.count(Notice.id)).where(Notice.received_at.is_(None))) > 0
    assert db.session.scalar(select(func.count(Hazard.id)).where(Hazard.on_the_spot.is_(True))) > 0

