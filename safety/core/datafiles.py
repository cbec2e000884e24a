"""Shipped defaults kept as TOML files (checklist templates, campaign definitions), validated by a schema."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from marshmallow import Schema, ValidationError

from ..errors import flatten_fields


@cache
def shipped_defaults(path: Path) -> dict:
    """A domain's shipped rules (its defaults.toml, each default beside its source), read once."""
    with path.open("rb") as file:
        return tomllib.load(file)


def load_toml_folder(folder: Path, schema: Schema, what: str) -> list[dict]:
    """Every ``*.toml`` in `folder`, loaded through `schema`, each with a unique ``code``.

    Raises ValueError naming, for every bad file, the file and the dotted path of each problem, so one run shows
    everything to fix. Needs an application context (the schemas translate their messages).
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"no {what} folder at {folder}")
    loaded, problems, seen = [], [], {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as f:
                data = schema.load(tomllib.load(f))
        except tomllib.TOMLDecodeError as error:
            problems.append(f"{path.name}: not valid TOML: {error}")
            continue
        except ValidationError as error:
            problems.extend(f"{path.name}: {field}: {'; '.join(messages)}"
                            for field, messages in flatten_fields(error.messages).items())
            continue
        if data["code"] in seen:
            problems.append(f"{path.name}: code: {data['code']!r} is already used by {seen[data['code']]}")
            continue
        seen[data["code"]] = path.name
        loaded.append(data)
    if problems:
        raise ValueError(f"invalid {what}:\n" + "\n".join(problems))
    return loaded
