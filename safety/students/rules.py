"""The reasons a student may be kept on the list and the home-visit rounds (defaults.toml; a deployment replaces
top-level keys with `app.config["KEY_STUDENT_RULES"]`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..core.datafiles import shipped_defaults

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


@dataclass(frozen=True)
class VisitRound:
    key: str
    name_zh: str
    name_en: str
    months: frozenset[int]   # holidays starting in these local months get a round before them
    lead_days: int
    regions: tuple[str, ...] = ()   # region codes whose schools (at or below) keep this round; empty: everywhere


@dataclass(frozen=True)
class Rules:
    flags: dict[str, dict]   # key → {name_zh, name_en, source}
    rounds: tuple[VisitRound, ...]


def load_rules(overrides: dict | None = None) -> Rules:
    defaults = shipped_defaults(DEFAULTS_FILE)
    raw = {**defaults, **(overrides or {})}
    if unknown := set(raw) - set(defaults):
        raise ValueError(f"unknown KEY_STUDENT_RULES keys: {sorted(unknown)}")
    rounds = tuple(VisitRound(r["key"], r["name_zh"], r.get("name_en", ""), frozenset(r["months"]),
                              int(r["lead_days"]), tuple(r.get("regions", ()))) for r in raw["rounds"])
    if any(not 1 <= m <= 12 for r in rounds for m in r.months) or any(r.lead_days < 1 for r in rounds):
        raise ValueError("KEY_STUDENT_RULES rounds: months lie in 1–12 and lead_days is at least 1")
    return Rules(dict(raw["flags"]), rounds)


def current_rules() -> Rules:
    return load_rules(current_app.config.get("KEY_STUDENT_RULES"))
