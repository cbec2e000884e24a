"""Campaign definitions as data: the shipped defaults (`defaults/*.toml`) and the ones offices write."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from ...accounts.models import Role, User
from ...accounts.scope import Capability, region_ids
from ...audit.services import record
from ...core.clock import now
from ...core.datafiles import load_toml_folder
from ...errors import Conflict, Forbidden, NotFound
from ...extensions import db
from ...schools.models import Region
from ...schools.services import get_region, visible_regions
from ..models import ActivityRequirement, CampaignDefinition
from ..schemas import DefinitionIn

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"
FIELDS = ("name_zh", "name_en", "description_zh", "description_en", "cadence", "season_start", "season_end",
          "lag_margin", "reminder_days", "late_report_days", "active", "school_types")
REQUIREMENT_FIELDS = ("key", "kind", "unit", "name_zh", "name_en", "description_zh", "description_en", "due_days",
                      "season_frequency", "holiday_frequency", "window_start", "window_end")


def load_default_definitions(directory: Path | str | None = None) -> list[dict]:
    """Every ``*.toml`` definition in `directory` (default: `DEFAULTS_DIR`), validated by `DefinitionIn`.

    Raises ValueError naming each file and the dotted path of each problem, so one run shows everything to fix.
    Needs an application context (the validators translate their messages).
    """
    folder = Path(directory) if directory is not None else DEFAULTS_DIR
    definitions = load_toml_folder(folder, DefinitionIn(), "campaign definitions")
    if regional := [d["code"] for d in definitions if d.get("region_id") is not None]:
        raise ValueError(f"invalid campaign definitions: shipped definitions name a region: {', '.join(regional)}")
    return definitions


def build_definition(data: dict, region_id: int | None, actor: User | None, is_default: bool) -> CampaignDefinition:
    definition = CampaignDefinition(code=data["code"], region_id=region_id, is_default=is_default,
                                    created_by_id=actor.id if actor else None,
                                    **{f: data[f] for f in FIELDS if f in data})
    definition.requirements = [ActivityRequirement(position=i, **{f: r.get(f) for f in REQUIREMENT_FIELDS
                                                                  if r.get(f) is not None})
                               for i, r in enumerate(data["requirements"])]
    return definition


def sync_default_definitions() -> int:
    """Install shipped definitions that are not in the database yet, and give installed shipped definitions the
    requirements a newer release ships (by key, appended); what is there already is never changed or removed."""
    installed = {d.code: d for d in db.session.scalars(select(CampaignDefinition).where(
        CampaignDefinition.region_id.is_(None), CampaignDefinition.is_default.is_(True)))}
    codes = set(db.session.scalars(select(CampaignDefinition.code).where(CampaignDefinition.region_id.is_(None))))
    created = 0
    for data in load_default_definitions():
        if data["code"] not in codes:
            db.session.add(build_definition(data, None, None, is_default=True))
            created += 1
        elif (definition := installed.get(data["code"])) is not None:
            _add_new_requirements(definition, data["requirements"])
    if created:
        db.session.flush()
    return created


def _add_new_requirements(definition: CampaignDefinition, shipped: list[dict]) -> None:
    keys = {r.key for r in definition.requirements}
    position = max((r.position for r in definition.requirements), default=-1)
    for r in shipped:
        if r["key"] not in keys:
            position += 1
            definition.requirements.append(ActivityRequirement(
                position=position, **{f: r.get(f) for f in REQUIREMENT_FIELDS if r.get(f) is not None}))
            record("campaign_definition.requirement_shipped", None, object_type="campaign_definition",
                   object_id=definition.id, key=r["key"])


# --- reading --------------------------------------------------------------------------------------------


def _readable_regions(actor: User) -> Select:
    """Regions at or above one the actor sees: a principal reads the district's and the city's definitions."""
    seen = visible_regions(actor).order_by(None).subquery()
    return select(Region.id).join(seen, seen.c.path.startswith(Region.path))


def visible_definitions(actor: User, filters: dict) -> Select:
    query = select(CampaignDefinition).where(or_(CampaignDefinition.region_id.is_(None),
                                                 CampaignDefinition.region_id.in_(_readable_regions(actor))))
    if region_id := filters.get("region_id"):
        query = query.where(CampaignDefinition.region_id == get_region(actor, region_id).id)
    return query.order_by(CampaignDefinition.code, CampaignDefinition.region_id.is_not(None),
                          CampaignDefinition.id)


def get_definition(actor: User, definition_id: int) -> CampaignDefinition:
    definition = db.session.scalar(visible_definitions(actor, {}).where(CampaignDefinition.id == definition_id))
    if definition is None:
        raise NotFound()
    return definition


# --- writing --------------------------------------------------------------------------------------------


def _require_office(actor: User, region_id: int | None) -> None:
    """A region's definitions are its offices' (and admins'); shipped ones are the admins'."""
    if actor.has_role(Role.admin):
        return
    if region_id is None or db.session.scalar(
            region_ids(actor, Capability.oversee).where(Region.id == region_id)) is None:
        raise Forbidden()


def create_definition(actor: User, data: dict) -> CampaignDefinition:
    """An office's campaign for its region; with the code of a shipped one, it replaces that one there."""
    region_id = data.get("region_id")
    if region_id is not None:
        get_region(actor, region_id)  # not visible: 404
    _require_office(actor, region_id)
    taken = select(CampaignDefinition.id).where(CampaignDefinition.code == data["code"],
                                                CampaignDefinition.region_id.is_(None) if region_id is None
                                                else CampaignDefinition.region_id == region_id)
    if db.session.scalar(taken):
        raise Conflict(_("This region already has a campaign with code %(code)s.", code=data["code"]),
                       code="code_taken")
    definition = build_definition(data, region_id, actor, is_default=False)
    db.session.add(definition)
    db.session.flush()
    record("campaign_definition.created", actor, object_type="campaign_definition", object_id=definition.id,
           region_id=region_id, code=definition.code)
    return definition


def update_definition(actor: User, definition: CampaignDefinition, changes: dict) -> CampaignDefinition:
    """Names, season, margins, school types and `active`; a changed season or margin shapes runs still to open and
    the lagging check from its next run. Campaigns already open keep their dates; school types added there get
    their tasks at the next calendar run, and tasks already made stay."""
    _require_office(actor, definition.region_id)
    if ("season_start" in changes or "season_end" in changes) and definition.season_start is None:
        raise Conflict(_("Only a seasonal campaign has season dates."), code="wrong_cadence")
    for field, value in changes.items():
        setattr(definition, field, value)
    definition.updated_at = now()
    db.session.flush()
    record("campaign_definition.updated", actor, object_type="campaign_definition", object_id=definition.id,
           region_id=definition.region_id, fields=sorted(changes))
    return definition
