"""Activity kinds: what a campaign requirement may ask for, each one spec in this registry.

A spec says everything the rest of the package needs to know about its kind: the units it may be required per,
the counts a report must give and how they are checked, whether a photo is evidence enough, the progress figures
it adds (per school, per class, to the lagging check) and its ledger columns. Reporting, definitions, progress and
the ledger read the spec and never test a kind by name, so a new kind is one module here (`register(KindSpec(…))`)
plus a campaign definition (TOML) that requires it; progress and ledgers show only the kinds a campaign has.

The shipped kinds are the modules named in BUILTIN, loaded on first use in this order (the order the API
documents them in).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.sql import ColumnElement

from ..models import ActivityRequirement, Campaign, CampaignTask, TaskUnit

BUILTIN = ("lesson", "parent_letter", "holiday_reminder", "water_patrol", "committee_meeting", "survey",
           "training", "incident_log", "custom")
# The counts a report may carry (columns of CampaignActivity and fields of CountsIn): a kind picks from these.
COUNT_NAMES = ("participants", "letters", "surveyed", "enrolled", "hours")
# The free texts a report may carry (columns of CampaignActivity and fields of ActivityIn): a kind may require some.
TEXT_NAMES = ("trainer",)


@dataclass(frozen=True)
class Column:
    """A ledger column: its title (zh-CN, the ledger's language), width, and how its value is read."""

    title: str
    width: int
    value: Callable[[dict], Any]


@dataclass(frozen=True)
class Figures:
    """What a kind adds to progress.

    per_school(campaign, as_of) → a subquery with `school_id` and one column per name in `counts` (summed over
    schools and districts); `rates` name → (part, whole) percentages of those sums; `school_fields(figures)` →
    further per-school fields computed from the school's counts; per_class(campaign) → a subquery with
    `class_id` and the columns `class_fields(columns, students)` turns into the class's fields; lag(campaign, as_of)
    → a subquery with `school_id, due, done, total` added to the tasks' in the lagging check.
    """

    per_school: Callable | None = None
    counts: tuple[str, ...] = ()
    rates: dict[str, tuple[str, str]] = field(default_factory=dict)
    school_fields: Callable[[dict], dict] | None = None
    per_class: Callable | None = None
    class_fields: Callable[[dict, int], dict] | None = None
    lag: Callable | None = None


@dataclass(frozen=True)
class KindSpec:
    name: str
    units: tuple[TaskUnit, ...]                     # what a requirement of this kind may be per
    counts: tuple[str, ...] = ()                    # counts a report must give (from COUNT_NAMES)
    texts: tuple[str, ...] = ()                     # texts a report must give (from TEXT_NAMES)
    photo_required: bool = False                    # a report needs at least one photo
    minutes: bool = False                           # a report carries minutes (forms ask for them)
    # Not reported as an activity: the message telling where it is recorded instead (water patrols, incidents).
    recorded_elsewhere: Callable[[], str] | None = None
    check: Callable[[dict, str], dict] | None = None  # (counts, minutes) → problems {field: [messages]}
    precondition: Callable[[int], None] | None = None  # (school_id) → raises when the school cannot report yet
    requirement_fields: tuple[str, ...] = ()        # fields a requirement of this kind must set
    # The local hours ("HH:MM", "HH:MM"; end exclusive) its work counts in; a requirement's window_start and
    # window_end replace it (a region's own definition). None: any time, and a requirement may not set one.
    window: tuple[str, str] | None = None
    figures: Figures = field(default_factory=Figures)
    summary_columns: tuple[Column, ...] = ()        # the ledger's summary sheet, from a school's figures
    ledger_columns: tuple[Column, ...] = ()         # the kind's own sheet, from a school's report sums
    ledger_sheet: Callable | None = None            # (book, campaign, schools, districts) → a sheet of its own


_KINDS: dict[str, KindSpec] = {}
_loaded = False


def register(spec: KindSpec) -> KindSpec:
    unknown = [name for name in spec.counts if name not in COUNT_NAMES] + \
        [name for name in spec.texts if name not in TEXT_NAMES]
    if unknown or not spec.units:
        raise ValueError(f"activity kind {spec.name}: unknown counts {unknown} or no units")
    _KINDS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    """Forget a kind (a test's own kind, once the test is over)."""
    _KINDS.pop(name, None)


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in BUILTIN:
            importlib.import_module(f"{__name__}.{name}")


def kind_spec(name: str) -> KindSpec:
    _load()
    return _KINDS[name]


def kind_names() -> list[str]:
    _load()
    return list(_KINDS)


def kinds_of(definition) -> list[KindSpec]:
    """The kinds a definition requires, each once, in the order of its requirements."""
    names = dict.fromkeys(r.kind for r in definition.requirements)
    return [kind_spec(name) for name in names]


def window_of(requirement: ActivityRequirement) -> tuple[str, str] | None:
    """The local hours a requirement's work counts in: its own window, else its kind's default (None: any time)."""
    default = kind_spec(requirement.kind).window
    if default is None:
        return None
    return requirement.window_start or default[0], requirement.window_end or default[1]


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def count_if(condition: ColumnElement):
    return func.count(case((condition, 1)))


def tasks_of(campaign: Campaign, kind: str, *columns) -> Select:
    """SELECT columns FROM the campaign's tasks of one kind (for a kind's figures)."""
    return select(*columns).join(ActivityRequirement, ActivityRequirement.id == CampaignTask.requirement_id) \
        .where(CampaignTask.campaign_id == campaign.id, ActivityRequirement.kind == kind)
