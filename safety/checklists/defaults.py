"""The checklist templates the product ships: one TOML file per category in `defaults/`.

They are validated by the same `TemplateIn` schema as templates posted to the API or imported, so a shipped
default can never hold something an inspector's phone or the hazard rules do not understand.
"""
from __future__ import annotations

from pathlib import Path

from ..core.datafiles import load_toml_folder
from .models import Category
from .schemas import TemplateIn

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

_CATEGORY_ORDER = {category: position for position, category in enumerate(Category)}


def load_default_templates(directory: Path | str | None = None) -> list[dict]:
    """Every ``*.toml`` template in `directory` (default: `DEFAULTS_DIR`), validated, in `Category` order.

    Each file holds one template: ``code``, ``category``, ``name_zh``, ``name_en`` and ``[[items]]`` tables,
    exactly the fields `TemplateIn` accepts. Returns what `TemplateIn().load` returns (enums for category,
    kind and grade).

    Needs an application context: the schema's validators translate their messages with flask_babel.

    Raises ValueError listing, for every invalid file, the file and the dotted path of each problem
    (``canteen.toml: items.3.min_value: …``), so one run shows everything to fix; two files with the same
    ``code`` are also an error.
    """
    folder = Path(directory) if directory is not None else DEFAULTS_DIR
    templates = load_toml_folder(folder, TemplateIn(), "checklist templates")
    return sorted(templates, key=lambda t: (_CATEGORY_ORDER[t["category"]], t["code"]))
