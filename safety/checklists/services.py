"""Templates and their immutable versions; which templates a school may use."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select

from ..accounts.models import User
from ..accounts.scope import Capability, is_admin, may_region, region_ids, school_ids
from ..audit.services import record
from ..core.clock import now
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..schools.models import Region, School
from .models import Category, ChecklistItem, ChecklistTemplate, ChecklistVersion

ITEM_FIELDS = ("key", "kind", "text_zh", "text_en", "hint_zh", "hint_en", "unit", "min_value", "max_value",
               "choices", "photo_on_fail", "fail_grade")


def visible_templates(actor: User, filters: dict) -> Select:
    """System defaults, templates of regions the actor oversees, and templates usable at the actor's schools."""
    school_region_paths = select(Region.path).join(School, School.region_id == Region.id) \
        .where(School.id.in_(school_ids(actor)))
    owner = db.aliased(Region)
    usable_at_mine = exists().where(owner.id == ChecklistTemplate.region_id,
                                    school_region_paths.where(Region.path.startswith(owner.path)).exists())
    query = select(ChecklistTemplate).where(or_(ChecklistTemplate.region_id.is_(None),
                                                ChecklistTemplate.region_id.in_(region_ids(actor)), usable_at_mine))
    if category := filters.get("category"):
        query = query.where(ChecklistTemplate.category == category)
    if region_id := filters.get("region_id"):
        query = query.where(ChecklistTemplate.region_id == region_id)
    return query.order_by(ChecklistTemplate.category, ChecklistTemplate.code)


def get_template(actor: User, template_id: int) -> ChecklistTemplate:
    template = db.session.scalar(visible_templates(actor, {}).where(ChecklistTemplate.id == template_id))
    if template is None:
        raise NotFound()
    return template


def get_version(actor: User, version_id: int) -> ChecklistVersion:
    version = db.session.get(ChecklistVersion, version_id)
    if version is None:
        raise NotFound()
    get_template(actor, version.template_id)  # visible through its template, or 404
    return version


def usable_at(template: ChecklistTemplate, school: School) -> bool:
    if template.region_id is None:
        return True
    owner = db.session.get(Region, template.region_id)
    return school.region.path.startswith(owner.path)


def _write_version(actor: User | None, template: ChecklistTemplate, items: list[dict],
                   note: str = "") -> ChecklistVersion:
    number = (db.session.scalar(select(func.max(ChecklistVersion.number))
                                .where(ChecklistVersion.template_id == template.id)) or 0) + 1
    version = ChecklistVersion(template=template, number=number, created_at=now(), note=note,
                               created_by_id=actor.id if actor else None,
                               items=[ChecklistItem(position=i, **{f: item.get(f) for f in ITEM_FIELDS})
                                      for i, item in enumerate(items, start=1)])
    db.session.add(version)
    db.session.flush()
    template.current_version = version
    return version


def _check_may_edit(actor: User | None, region_id: int | None) -> None:
    if actor is None or is_admin(actor):
        return
    if region_id is None or not may_region(actor, Capability.oversee, region_id):
        raise Forbidden()


def create_template(actor: User | None, data: dict, region: Region | None = None,
                    is_default: bool = False) -> ChecklistTemplate:
    """A new template with version 1. Offices own templates for their region; admins write system ones."""
    _check_may_edit(actor, region.id if region else None)
    if db.session.scalar(select(ChecklistTemplate.id).where(ChecklistTemplate.code == data["code"])):
        raise Conflict(_("Template code %(c)s is taken.", c=data["code"]), code="code_taken")
    template = ChecklistTemplate(code=data["code"], category=data["category"], name_zh=data["name_zh"],
                                 name_en=data.get("name_en", ""), region=region, is_default=is_default,
                                 needs_countersignature=data.get("needs_countersignature", False))
    db.session.add(template)
    db.session.flush()
    _write_version(actor, template, data["items"], note=data.get("note", ""))
    record("checklist.created", actor, object_type="checklist", object_id=template.id,
           region_id=template.region_id, code=template.code)
    return template


def add_version(actor: User | None, template: ChecklistTemplate, data: dict) -> ChecklistVersion:
    """Editing never changes a version: it writes the next one and makes it current."""
    _check_may_edit(actor, template.region_id)
    for field in ("name_zh", "name_en", "needs_countersignature"):
        if field in data:
            setattr(template, field, data[field])
    version = _write_version(actor, template, data["items"], data.get("note", ""))
    record("checklist.version_created", actor, object_type="checklist", object_id=template.id,
           region_id=template.region_id, version=version.number)
    return version


def _same_items(version: ChecklistVersion, items: list[dict]) -> bool:
    current = [{f: getattr(i, f) for f in ITEM_FIELDS} for i in version.items]
    wanted = [{f: item.get(f) for f in ITEM_FIELDS} for item in items]
    return current == wanted


def sync_default_templates() -> tuple[int, int]:
    """Install the shipped defaults; a changed default file becomes a new version. Returns (created, updated)."""
    from .defaults import load_default_templates
    created = updated = 0
    for data in load_default_templates():
        template = db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.code == data["code"]))
        if template is None:
            create_template(None, data, is_default=True)
            created += 1
        elif not _same_items(template.current_version, data["items"]):
            add_version(None, template, {**data, "note": "shipped defaults updated"})
            updated += 1
        else:
            template.needs_countersignature = data["needs_countersignature"]
    return created, updated


def default_template_for(category: Category) -> ChecklistTemplate:
    """The shipped template for a category, installing the defaults on first use (zero set-up)."""
    query = select(ChecklistTemplate).where(ChecklistTemplate.is_default.is_(True),
                                            ChecklistTemplate.category == category)
    template = db.session.scalar(query)
    if template is None:
        sync_default_templates()
        template = db.session.scalar(query)
    if template is None:
        raise Invalid(fields={"category": [_("No default checklist for this category.")]})
    return template
