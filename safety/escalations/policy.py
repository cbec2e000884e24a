"""How long each level may sit on a hazard before the next one hears of it (configurable)."""
from __future__ import annotations

from flask import current_app

DEFAULT_POLICY = {
    # A hazard past its deadline at school level goes to the district office at once (level 1); still unresolved
    # this many days later (and still overdue), it goes to the city (level 2).
    "city_after_days": {"general": 14, "major": 7},
    # Offices may extend a deadline by at most this many days at a time, this many times.
    "max_extension_days": 30,
    "max_extensions": 2,
}


def policy() -> dict:
    configured = current_app.config.get("ESCALATION_POLICY") or {}
    merged = {**DEFAULT_POLICY, **configured}
    merged["city_after_days"] = {**DEFAULT_POLICY["city_after_days"], **configured.get("city_after_days", {})}
    return merged
