"""The rescue equipment a water body's ledger may record, as data (equipment.toml names each item's source)."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from flask_babel import get_locale

EQUIPMENT_FILE = Path(__file__).with_name("equipment.toml")


@cache
def equipment() -> tuple[dict, ...]:
    with EQUIPMENT_FILE.open("rb") as file:
        return tuple(tomllib.load(file)["equipment"])


def codes() -> list[str]:
    return [item["code"] for item in equipment()]


def names(selected: list[str], lang: str | None = None) -> list[str]:
    """The names of the selected items, in the data file's order (zh-CN unless English is asked for)."""
    lang = lang or ("en" if str(get_locale() or "").startswith("en") else "zh")
    return [item[f"name_{lang}"] or item["name_zh"] for item in equipment() if item["code"] in selected]
