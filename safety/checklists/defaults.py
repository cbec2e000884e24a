"""The checklist templates the product ships: one TOML file per category in `defaults/`.

They are validated by the same `TemplateIn` schema as templates posted to the API or imported, so a shipped
default can never hold something an inspector's phone or the hazard rules do not understand.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from marshmallow import ValidationError

from ..errors import flatten_fields
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
    if not folder.is_dir():
        raise FileNotFoundError(f"no checklist template folder at {folder}")
    templates: list[dict] = []
    problems: list[str] = []
    seen_codes: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as f:
                template = TemplateIn().load(tomllib.load(f))
        except tomllib.TOMLDecodeError as error:
            problems.append(f"{path}: not valid TOML: {error}")
            continue
        except ValidationError as error:
            problems.extend(f"{path}: {field}: {'; '.join(messages)}"
                            for field, messages in flatten_fields(error.messages).items())
            continue
        if template["code"] in seen_codes:
            problems.append(f"{path}: code: {template['code']!r} is already used by {seen_codes[template['code']]}")
            continue
        seen_codes[template["code"]] = path.name
        templates.append(template)
    if problems:
        raise ValueError("invalid checklist templates:\n" + "\n".join(problems))
    return sorted(templates, key=lambda t: (_CATEGORY_ORDER[t["category"]], t["code"]))
