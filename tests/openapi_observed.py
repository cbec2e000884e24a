"""The OpenAPI document promises every status the suite sees: each (operation, status) any API response of the
test run had must be documented for that operation, or the run fails.

Every process records what its apps answered (Flask's `request_finished` signal, so test clients, live servers
in threads and apps a test builds itself all count). Under xdist each worker writes its observations to a
folder the controller chose; the controller (or the only process, without xdist) checks them all at the end.
"""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from flask import request, request_finished

_observed: set[tuple[str, str, int]] = set()
_OPTION = "openapi_observations"


def _record(sender, response, **extra) -> None:
    rule = request.url_rule
    if rule is not None and request.path.startswith("/api/"):
        _observed.add((rule.rule, request.method.lower(), response.status_code))


def openapi_path(rule: str) -> str:
    """Werkzeug's `/hazards/<int:hazard_id>` is OpenAPI's `/hazards/{hazard_id}`."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


def undocumented(spec: dict, observed) -> list[str]:
    problems = []
    for rule, method, status in sorted(observed):
        operation = spec["paths"].get(openapi_path(rule), {}).get(method)
        if operation is not None and str(status) not in operation["responses"]:
            problems.append(f"{operation['operationId']} ({method.upper()} {openapi_path(rule)}) answered {status}")
    return problems


def _served_document() -> dict:
    from safety import create_app
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/spec.db", "SECRET_KEY": "spec",
                          "PHOTO_STORAGE_DIR": folder})
        return app.test_client().get("/api/v1/openapi.json").json


def pytest_configure(config) -> None:
    request_finished.connect(_record)
    if not hasattr(config, "workerinput"):
        config.openapi_folder = Path(tempfile.mkdtemp(prefix="openapi-observed-"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput[_OPTION] = str(node.config.openapi_folder)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        folder = Path(config.workerinput[_OPTION])
        (folder / f"{config.workerinput['workerid']}.json").write_text(json.dumps(sorted(_observed)))
        return
    observed = set(_observed)
    for file in config.openapi_folder.glob("*.json"):
        observed |= {tuple(row) for row in json.loads(file.read_text())}
    if not observed:
        return
    problems = undocumented(_served_document(), observed)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if problems and reporter is not None:
        reporter.write_sep("=", "statuses the OpenAPI document does not promise", red=True)
        for line in problems:
            reporter.write_line(line)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
