"""Campaigns (专项行动): definitions as data, their runs per region and period, school tasks, activity reports,
parent receipts, the anti-bullying committee and incident log, lagging flags and the dangerous-waters ledger."""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import now
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..points.models import Frequency, Point
from ..schools.models import Region, School, SchoolClass

# --- definitions ----------------------------------------------------------------------------------------


class Cadence(enum.StrEnum):
    season = "season"  # a stretch of the year, the same months every year (防溺水: April–September)
    term = "term"      # every term of the school calendar (防欺凌)


class TaskUnit(enum.StrEnum):
    school = "school"
    school_class = "class"
    holiday = "holiday"        # one task per holiday of the school's calendar inside the campaign
    water_body = "water_body"  # no tasks: progress comes from inspections of the school's water-body points
    none = "none"              # no tasks (the incident log)


TASKLESS_UNITS = (TaskUnit.water_body, TaskUnit.none)


class CampaignDefinition(db.Model):
    """A campaign as data. `region_id` None: shipped with the product (defaults/*.toml), in force everywhere; a
    region's definition with the same code replaces it for every school at or below that region."""

    __tablename__ = "campaign_definitions"
    __table_args__ = (
        UniqueConstraint("code", "region_id"),
        CheckConstraint("lag_margin >= 0 AND lag_margin <= 1", name="lag_margin_is_a_share"),
        CheckConstraint("reminder_days >= 0", name="reminder_days_not_negative"),
        CheckConstraint("late_report_days >= 0", name="late_report_days_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    cadence: Mapped[Cadence] = mapped_column(enum_column(Cadence))
    season_start: Mapped[str | None] = mapped_column(String(5))  # "04-01" (month-day, local)
    season_end: Mapped[str | None] = mapped_column(String(5))    # "09-30", inclusive; before the start: wraps
    # A school is lagging when (tasks due − tasks done + overdue water bodies) > lag_margin × all of them.
    lag_margin: Mapped[float] = mapped_column(Float, default=0.2)
    reminder_days: Mapped[int] = mapped_column(Integer, default=3)
    late_report_days: Mapped[int] = mapped_column(Integer, default=7)  # reported later than this: flagged
    # The school types it is for (SchoolType values); empty: every school below its region.
    school_types: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    region: Mapped[Region | None] = relationship()
    requirements: Mapped[list[ActivityRequirement]] = relationship(
        back_populates="definition", cascade="all, delete-orphan", order_by="ActivityRequirement.position",
        lazy="selectin")

    def requirement(self, key: str) -> ActivityRequirement | None:
        return next((r for r in self.requirements if r.key == key), None)


class ActivityRequirement(db.Model):
    """One activity a campaign requires, and of whom (each class, the school, each holiday, each water body)."""

    __tablename__ = "campaign_requirements"
    __table_args__ = (
        UniqueConstraint("definition_id", "key"),
        CheckConstraint("due_days >= 1", name="due_days_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("campaign_definitions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(48))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(32))  # an activity kind of the registry (kinds/), which checks it
    unit: Mapped[TaskUnit] = mapped_column(enum_column(TaskUnit))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # Days after the campaign opens by which it is due (unit holiday: days before the holiday it opens).
    due_days: Mapped[int] = mapped_column(Integer, default=30)
    # water_patrol: the inspection rhythm of water-body points in the season, and in its holidays.
    season_frequency: Mapped[Frequency | None] = mapped_column(enum_column(Frequency, "season_frequency"))
    holiday_frequency: Mapped[Frequency | None] = mapped_column(enum_column(Frequency, "holiday_frequency"))
    # water_patrol: the local hours ("HH:MM", end exclusive) a patrol counts in; None: the kind's product default.
    window_start: Mapped[str | None] = mapped_column(String(5))
    window_end: Mapped[str | None] = mapped_column(String(5))

    definition: Mapped[CampaignDefinition] = relationship(back_populates="requirements")

    @property
    def has_tasks(self) -> bool:
        return self.unit not in TASKLESS_UNITS


# --- runs and tasks -------------------------------------------------------------------------------------


class CampaignStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class Campaign(db.Model):
    """One run of a definition for the schools following it in a region, for one season or term. Created by the
    scheduler when it opens; the unique key makes that idempotent."""

    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("definition_id", "region_id", "period_key"),
        CheckConstraint("starts_on <= ends_on", name="period_not_reversed"),
        Index("ix_campaigns_status_closes", "status", "closes_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("campaign_definitions.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    period_key: Mapped[str] = mapped_column(String(16))  # 2027 (season), 2027-spring (term)
    name_zh: Mapped[str] = mapped_column(String(150))
    name_en: Mapped[str] = mapped_column(String(150), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)           # inclusive (local days)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)  # exclusive: local midnight after ends_on
    status: Mapped[CampaignStatus] = mapped_column(enum_column(CampaignStatus), default=CampaignStatus.open)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    definition: Mapped[CampaignDefinition] = relationship(lazy="joined")
    region: Mapped[Region] = relationship()


class TaskStatus(enum.StrEnum):
    open = "open"
    done = "done"
    overdue = "overdue"  # past due, not done; may still be done (late)
    missed = "missed"    # the campaign closed without it


class CampaignTask(db.Model):
    """What one school owes: per class, per holiday or once. Inserted set-based; `subject_key` ("class:12",
    "holiday:7", "school") makes the unique key work where class or holiday is absent."""

    __tablename__ = "campaign_tasks"
    __table_args__ = (
        UniqueConstraint("campaign_id", "requirement_id", "school_id", "subject_key"),
        Index("ix_campaign_tasks_campaign_school", "campaign_id", "school_id"),
        Index("ix_campaign_tasks_status_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    requirement_id: Mapped[int] = mapped_column(ForeignKey("campaign_requirements.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"), index=True)
    holiday_id: Mapped[int | None] = mapped_column(Integer)  # a calendar period (no key: offices may delete it)
    subject_key: Mapped[str] = mapped_column(String(32))
    opens_on: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.open)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    campaign: Mapped[Campaign] = relationship()
    requirement: Mapped[ActivityRequirement] = relationship(lazy="joined")
    school: Mapped[School] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()


class CampaignActivity(db.Model):
    """A school's report of something done, with evidence. Doubts are flags for offices, never a rejection."""

    __tablename__ = "campaign_activities"
    __table_args__ = (
        Index("ix_campaign_activities_campaign_school", "campaign_id", "school_id"),
        CheckConstraint("participants >= 0 AND letters >= 0 AND surveyed >= 0 AND enrolled >= 0",
                        name="counts_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("campaign_tasks.id"), index=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("campaign_requirements.id"))
    kind: Mapped[str] = mapped_column(String(32))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[int | None] = mapped_column(Integer)
    letters: Mapped[int | None] = mapped_column(Integer)
    surveyed: Mapped[int | None] = mapped_column(Integer)
    enrolled: Mapped[int | None] = mapped_column(Integer)
    hours: Mapped[int | None] = mapped_column(Integer)   # trainings: class hours (学时)
    trainer: Mapped[str] = mapped_column(String(100), default="")  # trainings: who gave it
    minutes: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[str] = mapped_column(String(200), default="")  # reused_photo,similar_photo,late_report …
    flag_details: Mapped[dict] = mapped_column(JSON, default=dict)  # flag → the other activities it points at
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)  # the server's clock

    task: Mapped[CampaignTask] = relationship()
    requirement: Mapped[ActivityRequirement] = relationship(lazy="joined")
    school: Mapped[School] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()

    @property
    def flag_list(self) -> list[str]:
        return [f for f in (self.flags or "").split(",") if f]


# --- parent receipts ------------------------------------------------------------------------------------


def new_receipt_token() -> str:
    """192 random bits: printed on a class's letters, it lets parents confirm and nothing else."""
    return secrets.token_urlsafe(24)


class ClassLetter(db.Model):
    """A class's parent letter in one campaign: the QR token printed on it, and receipts collected on paper."""

    __tablename__ = "campaign_class_letters"
    __table_args__ = (
        UniqueConstraint("campaign_id", "class_id"),
        CheckConstraint("paper_receipts >= 0", name="paper_receipts_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_receipt_token)
    paper_receipts: Mapped[int] = mapped_column(Integer, default=0)
    paper_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paper_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    campaign: Mapped[Campaign] = relationship()
    school: Mapped[School] = relationship()
    school_class: Mapped[SchoolClass] = relationship()


class ParentReceipt(db.Model):
    """One child's confirmed letter, online. `child_key` (the name or number, normalised) makes repeats no-ops."""

    __tablename__ = "campaign_parent_receipts"
    __table_args__ = (UniqueConstraint("letter_id", "child_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("campaign_class_letters.id"), index=True)
    child_key: Mapped[str] = mapped_column(String(64))
    child: Mapped[str] = mapped_column(String(64))     # as the parent typed it, for the class teacher's list
    signer: Mapped[str] = mapped_column(String(50), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


# --- anti-bullying --------------------------------------------------------------------------------------


class CommitteeRole(enum.StrEnum):
    chair = "chair"            # 组长 (the principal)
    deputy = "deputy"          # 副组长
    member = "member"          # 成员
    secretary = "secretary"    # 联络员 / 记录员


class CommitteeSeat(enum.StrEnum):
    """Whom a member stands for; the committee's composition is checked against these (incidents/rules.toml)."""

    staff = "staff"                                # 教职工 (the principal, deputy heads, 德育主任 …)
    legal_vice_principal = "legal_vice_principal"  # 法治副校长
    parent = "parent"                              # 家长代表
    community = "community"                        # 社区工作者
    expert = "expert"                              # 校外专家
    student = "student"                            # 学生代表 (senior secondary schools)


class CommitteeMember(db.Model):
    """A member of a school's anti-bullying committee (学生欺凌治理委员会). Removed members stay on record."""

    __tablename__ = "bullying_committee_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[CommitteeRole] = mapped_column(enum_column(CommitteeRole))
    seat: Mapped[CommitteeSeat] = mapped_column(enum_column(CommitteeSeat), default=CommitteeSeat.staff)
    position: Mapped[str] = mapped_column(String(100), default="")  # 副校长, 法治副校长, 家长代表 …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IncidentStatus(enum.StrEnum):
    received = "received"            # 已受理
    investigating = "investigating"  # 调查中 (the clock runs: incidents/rules.toml investigation_days)
    determined = "determined"        # 已认定 (determination: confirmed or not); the parties may appeal
    appealed = "appealed"            # 已申诉 (to the district, which reviews: 复查)
    handled = "handled"              # 已处置 (measures recorded as flags)
    closed = "closed"                # 已结案


class Determination(enum.StrEnum):
    confirmed = "confirmed"          # 构成欺凌 (or whatever the log's campaign is about)
    not_confirmed = "not_confirmed"  # 不构成


# from → allowed next statuses; anything else is 409 (the services add who may and when)
class Incident(db.Model):
    """An incident in a campaign's sensitive log (anti-bullying today; any campaign requiring an incident_log).
    Only the school's principal and the safety offices over it may read it (Capability.manage); it never
    appears in public, parent or inspector views, and no export carries its account or anyone's name.
    The tables keep the names they had when bullying was the only log."""

    __tablename__ = "bullying_incidents"
    __table_args__ = (
        Index("ix_bullying_incidents_school_status", "school_id", "status"),
        CheckConstraint("students_involved >= 0", name="students_involved_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    students_involved: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[IncidentStatus] = mapped_column(enum_column(IncidentStatus), default=IncidentStatus.received)
    determination: Mapped[Determination | None] = mapped_column(enum_column(Determination))
    measures: Mapped[list] = mapped_column(JSON, default=list)  # flags from the log's rules, never free text
    handling: Mapped[str] = mapped_column(Text, default="")  # the latest account of measures taken
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The clock (incidents/rules.toml): investigation, appeal and review windows, and when a late one escalated.
    investigation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    determined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    events: Mapped[list[IncidentEvent]] = relationship(back_populates="incident", order_by="IncidentEvent.id",
                                                       lazy="selectin")


class IncidentEvent(db.Model):
    __tablename__ = "bullying_incident_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("bullying_incidents.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")

    incident: Mapped[Incident] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


# --- lagging --------------------------------------------------------------------------------------------


class LagStatus(enum.StrEnum):
    lagging = "lagging"  # in the office's escalation queue
    cleared = "cleared"  # caught up since
    closed = "closed"    # the campaign closed


class CampaignLag(db.Model):
    """A school behind where it should be in a campaign, by more than the definition's margin. One row per school
    and campaign; each new episode (lagging again after catching up) counts up `episodes` and is notified once."""

    __tablename__ = "campaign_lags"
    __table_args__ = (
        UniqueConstraint("campaign_id", "school_id"),
        Index("ix_campaign_lags_status", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    status: Mapped[LagStatus] = mapped_column(enum_column(LagStatus), default=LagStatus.lagging)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    episodes: Mapped[int] = mapped_column(Integer, default=1)
    # The figures when last evaluated: what was due, what was done, of how many.
    due: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship()
    school: Mapped[School] = relationship()


# --- the dangerous-waters ledger ------------------------------------------------------------------------


class RiskGrade(enum.StrEnum):
    high = "high"      # 高风险
    medium = "medium"  # 中风险
    low = "low"        # 低风险


class WaterBody(db.Model):
    """The ledger facts of a water-body point (危险水域台账), kept beside the point rather than on it."""

    __tablename__ = "water_bodies"
    __table_args__ = (
        CheckConstraint("depth_m >= 0", name="depth_not_negative"),
        CheckConstraint("warning_signs >= 0", name="warning_signs_not_negative"),
    )
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id", ondelete="CASCADE"), primary_key=True)
    risk_grade: Mapped[RiskGrade] = mapped_column(enum_column(RiskGrade), default=RiskGrade.medium)
    water_type: Mapped[str] = mapped_column(String(32), default="")  # 河流, 池塘, 水库, 沟渠 …
    distance_m: Mapped[int | None] = mapped_column(Integer)          # from the school gate
    # What the survey of 教基厅函〔2022〕18号 (二、强化隐患排查) asks: owner, depth, signs, rescue equipment,
    # the responsible unit and person. None: not surveyed yet (unlike 0 signs or no equipment).
    owner: Mapped[str] = mapped_column(String(100), default="")              # 权属主体
    responsible_unit: Mapped[str] = mapped_column(String(100), default="")   # 责任单位
    depth_m: Mapped[float | None] = mapped_column(Float)
    warning_signs: Mapped[int | None] = mapped_column(Integer)               # 警示标志 (count)
    rescue_equipment: Mapped[list] = mapped_column(JSON, default=list)       # codes of waters/equipment.toml
    responsible_person: Mapped[str] = mapped_column(String(50), default="")
    responsible_phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    point: Mapped[Point] = relationship()
