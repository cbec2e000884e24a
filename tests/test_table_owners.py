"""Each table has one owner: only its own domain's package writes it, and views write nothing.

A scan of the source, not of behaviour: it reads every module under safety/ and finds the statements that
write rows — `insert(Model)`, `update(Model)`, `delete(Model)`, `insert_ignoring_conflicts(Model, …)` and a
row built with `Model(...)` — and fails when the model belongs to another domain. Writes through an object's
attributes (`hazard.status = …`) are beyond a scan's sight; the services' tests cover those.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import safety.models  # noqa: F401  (every model registered)
from safety.extensions import db

SOURCE = Path(__file__).resolve().parents[1] / "safety"
STATEMENTS = {"insert", "update", "delete", "insert_ignoring_conflicts"}
SESSION_WRITES = {"add", "add_all", "delete", "merge"}



def owners() -> dict[str, str]:
    """Model class name → the package that owns its table (`safety.points.models` → points)."""
    found = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        found[cls.__name__] = cls.__module__.split(".")[1]
    return found


def domain_of(path: Path) -> str:
    parts = path.relative_to(SOURCE).parts
    return parts[0] if len(parts) > 1 else ""


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def writes(tree: ast.AST, models: dict[str, str]):
    """(line, what, model) for every row-writing statement of the module."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        first = node.args[0] if node.args else None
        if name in STATEMENTS and isinstance(first, ast.Name) and first.id in models:
            yield node.lineno, f"{name}({first.id})", first.id
        elif isinstance(node.func, ast.Name) and name in models:
            yield node.lineno, f"{name}(...)", name


def session_writes(tree: ast.AST):
    """Lines calling db.session.add/delete/… directly."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SESSION_WRITES
                and ast.unparse(node.func.value) == "db.session"):
            yield node.lineno, f"db.session.{node.func.attr}"


def modules():
    return sorted(p for p in SOURCE.rglob("*.py") if "translations" not in p.parts)


def test_no_module_writes_another_domains_table():
    models = owners()
    assert {"Point", "Inspection", "Hazard", "AuditEvent", "School"} <= set(models)  # the scan sees the models
    crossings = []
    for path in modules():
        domain, relative = domain_of(path), path.relative_to(SOURCE).as_posix()
        if path.name == "models.py":
            continue  # a model module may build its own rows' defaults (Preference.defaults)
        for line, what, model in writes(ast.parse(path.read_text(encoding="utf-8")), models):
            if models[model] == domain:
                continue
            crossings.append(f"{relative}:{line} {what} writes a table of {models[model]}")
    assert crossings == [], "call the owner's service instead:\n" + "\n".join(crossings)


@pytest.mark.parametrize("kind", ["api", "pages"])
def test_views_write_nothing_themselves(kind):
    """Views parse, authorise, call one service and dump: the API and the pages share the services' writes."""
    views = [p for p in modules() if p.name == "api.py"] if kind == "api" else sorted((SOURCE / "pages").rglob("*.py"))
    assert views
    models, direct = owners(), []
    for path in views:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = path.relative_to(SOURCE).as_posix()
        direct += [f"{relative}:{line} {what}" for line, what in session_writes(tree)]
        direct += [f"{relative}:{line} {what}" for line, what, _model in writes(tree, models)]
    assert direct == []


def test_the_scan_finds_a_write_across_domains():
    """The scan itself: a made-up inspections module updating points and building a hazard is caught."""
    tree = ast.parse("def f(at):\n    db.session.execute(update(Point).values(next_due_at=at))\n"
                     "    db.session.add(Hazard(title='x'))\n    db.session.delete(thing)\n")
    models = owners()
    assert [(what, models[model]) for _line, what, model in sorted(writes(tree, models))] == \
        [("update(Point)", "points"), ("Hazard(...)", "hazards")]
    assert [what for _line, what in sorted(session_writes(tree))] == ["db.session.add", "db.session.delete"]
