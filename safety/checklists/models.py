from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamped
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import Region


class Category(enum.StrEnum):
    fire_equipment = "fire_equipment"
    evacuation_route = "evacuation_route"
    electrical = "electrical"
    canteen = "canteen"
    water_body = "water_body"
    gate_security = "gate_security"
    building = "building"
    laboratory = "laboratory"
    dormitory = "dormitory"
    playground = "playground"
    school_bus = "school_bus"
    other = "other"


class ItemKind(enum.StrEnum):
    pass_fail = "pass_fail"  # pass / fail / not applicable
    number = "number"        # a reading; outside [min_value, max_value] is a failure
    choice = "choice"        # one of `choices`; each choice says whether it is a failure
    text = "text"            # free text, with a pass / fail outcome
    photo = "photo"          # a photo is the answer


class Grade(enum.StrEnum):
    general = "general"  # 一般隐患
    major = "major"      # 重大隐患


class ChecklistTemplate(Timestamped, db.Model):
    """A named checklist; its content lives in versions, the newest being `current_version`."""

    __tablename__ = "checklist_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[Category] = mapped_column(enum_column(Category), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # None: a system default, usable everywhere; else a region's own template.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # Checks with this list are countersigned by the head of the inspected place (e.g. fire checks, 61号令 §26).
    needs_countersignature: Mapped[bool] = mapped_column(Boolean, default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklist_versions.id", use_alter=True, name="fk_checklist_templates_current_version"))

    region: Mapped[Region | None] = relationship()
    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="template", foreign_keys="ChecklistVersion.template_id", order_by="ChecklistVersion.number")
    current_version: Mapped[ChecklistVersion | None] = relationship(foreign_keys=[current_version_id],
                                                                    post_update=True)


class ChecklistVersion(db.Model):
    """Immutable once written: inspections record the version they answered, so results keep their meaning."""

    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    template: Mapped[ChecklistTemplate] = relationship(back_populates="versions", foreign_keys=[template_id])
    items: Mapped[list[ChecklistItem]] = relationship(back_populates="version", order_by="ChecklistItem.position",
                                                      lazy="selectin")


class ChecklistItem(db.Model):
    __tablename__ = "checklist_items"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        UniqueConstraint("version_id", "position"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="range_ordered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # Stable across versions: "the same item" for hazard de-duplication even after the template is edited.
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind))
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    hint_zh: Mapped[str] = mapped_column(Text, default="")
    hint_en: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    # [{"value": "ok", "zh": "…", "en": "…", "fails": false}, …]
    choices: Mapped[list | None] = mapped_column(JSON)
    photo_on_fail: Mapped[bool] = mapped_column(Boolean, default=False)
    fail_grade: Mapped[Grade] = mapped_column(enum_column(Grade), default=Grade.general)

    version: Mapped[ChecklistVersion] = relationship(back_populates="items")


CATEGORY_NAMES = {
    Category.fire_equipment: _l("Fire equipment"),
    Category.evacuation_route: _l("Evacuation route"),
    Category.electrical: _l("Electrical"),
    Category.canteen: _l("Canteen and food"),
    Category.water_body: _l("Water body"),
    Category.gate_security: _l("Gate and security"),
    Category.building: _l("Building structure"),
    Category.laboratory: _l("Laboratory and chemicals"),
    Category.dormitory: _l("Dormitory"),
    Category.playground: _l("Playground and sports"),
    Category.school_bus: _l("School bus"),
    Category.other: _l("Other"),
}
