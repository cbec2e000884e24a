from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamped
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..schools.models import Region, School, SchoolClass


class Role(enum.StrEnum):
    admin = "admin"
    safety_office = "safety_office"
    principal = "principal"
    inspector = "inspector"
    class_teacher = "class_teacher"  # 班主任: one or more classes of one school (the principal assigns them)


class User(Timestamped, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                       lazy="selectin", order_by="RoleAssignment.id")

    def has_role(self, *roles: Role) -> bool:
        return any(r.role in roles for r in self.roles)


class RoleAssignment(db.Model):
    """One role in one scope. admin: none; principal: a school; office: a region; inspector: either; class
    teacher: a class (with its school, so school-wide questions need no join)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "school_id", "region_id", "class_id"),
        CheckConstraint(
            "(role = 'admin' AND school_id IS NULL AND region_id IS NULL AND class_id IS NULL)"
            " OR (role = 'principal' AND school_id IS NOT NULL AND region_id IS NULL AND class_id IS NULL)"
            " OR (role = 'safety_office' AND region_id IS NOT NULL AND school_id IS NULL AND class_id IS NULL)"
            " OR (role = 'inspector' AND (school_id IS NULL) <> (region_id IS NULL) AND class_id IS NULL)"
            " OR (role = 'class_teacher' AND school_id IS NOT NULL AND class_id IS NOT NULL AND region_id IS NULL)",
            name="scope_fits_role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    school: Mapped[School | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")
    school_class: Mapped[SchoolClass | None] = relationship(lazy="joined")


class ApiToken(Timestamped, db.Model):
    """An opaque bearer token; only its SHA-256 is stored, so a database leak yields no usable tokens."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_active", "user_id", "revoked_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
