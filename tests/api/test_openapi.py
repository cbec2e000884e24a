import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from tests.openapi_observed import undocumented


def test_openapi_document_is_public_and_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    for path in ["/api/v1/auth/login", "/api/v1/me", "/api/v1/schools", "/api/v1/health"]:
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/login"]["post"]["security"] == []
    assert "error" in spec["components"]["schemas"]["Error"]["properties"]


def test_docs_page_serves_its_assets_locally(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html and "//cdn" not in html
    with client.get("/api/v1/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200


def test_health(client):
    assert client.get("/api/v1/health").json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable(tmp_path):
    from safety import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
                      "PHOTO_STORAGE_DIR": str(tmp_path)})
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": "unreachable"}


# --- the document as a client generator reads it ------------------------------------------------------------

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_served_document_is_the_committed_snapshot(spec):
    assert spec == json.loads(SNAPSHOT.read_text(encoding="utf-8")), \
        "the API changed: run scripts/openapi.sh and commit docs/openapi.json"


def test_the_document_is_valid_openapi(spec):
    validate(spec)  # openapi-spec-validator: raises on the first problem


def test_every_operation_has_a_unique_readable_id_a_summary_and_a_description(spec):
    ids = [operation["operationId"] for _path, _method, operation in _operations(spec)]
    assert len(ids) == len(set(ids)) > 100
    assert all(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", i) for i in ids), ids
    assert {"hazards_rectify", "hazards_list", "hazards_get", "inspections_sync", "points_scan",
            "photos_upload", "accounts_login"} <= set(ids)
    assert all(op.get("summary") and op.get("description") for _p, _m, op in _operations(spec))


def test_error_statuses_come_from_the_code(spec):
    """Auth, path parameters and bodies add theirs; services add what they raise (found in their bytecode)."""
    by_id = {op["operationId"]: op for _p, _m, op in _operations(spec)}
    for path, _method, operation in _operations(spec):
        responses = operation["responses"]
        assert "default" not in responses
        if "{" in path:
            assert "404" in responses, path
        if operation.get("security") != []:
            assert "401" in responses, path
    assert {"409", "422", "401", "400", "413"} <= set(by_id["inspections_create"]["responses"])  # client_uuid_reused
    assert "429" in by_id["accounts_login"]["responses"]  # the login throttle, reached through services.login
    assert "429" in by_id["hazards_public_report"]["responses"]
    assert {"413", "415"} <= set(by_id["photos_upload"]["responses"])  # raised by photo validation
    assert "403" in by_id["audit_list"]["responses"] and "403" not in by_id["points_scan"]["responses"]
    assert "401" not in by_id["hazards_public_report"]["responses"]
    for name, response in spec["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, name


def _schema_nodes(node, where=""):
    if isinstance(node, dict):
        yield node, where
        for key, value in node.items():
            yield from _schema_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schema_nodes(value, f"{where}/{index}")


def _is_schema(where: str) -> bool:
    parts = where.split("/")
    return (parts[-1] in ("schema", "items", "additionalProperties")
            or (len(parts) > 1 and parts[-2] in ("properties", "allOf", "anyOf", "oneOf", "schemas")))


def test_every_schema_node_is_typed(spec):
    """OpenAPI 3.1: a nullable field is `type: [t, "null"]` or `anyOf: [{$ref}, {type: null}]`, never `{}`."""
    assert spec["openapi"] == "3.1.0"
    untyped = []
    for node, where in _schema_nodes(spec):
        if not _is_schema(where) or "$ref" in node:
            continue
        if "type" not in node and not any(k in node for k in ("allOf", "anyOf", "oneOf")):
            untyped.append(where)
        if "nullable" in node:
            untyped.append(f"{where} (3.0's nullable)")
    assert untyped == []
    scan = spec["components"]["schemas"]["Scan"]["properties"]["last_inspection"]
    assert scan == {"anyOf": [{"$ref": "#/components/schemas/Inspection"}, {"type": "null"}]}


def test_public_report_body_is_a_request_body_in_json_and_multipart(spec):
    operation = spec["paths"]["/api/v1/public/reports/{qr_token}"]["post"]
    assert all(p["in"] in {"path", "query", "header", "cookie"} for p in operation.get("parameters", []))
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    form = spec["components"]["schemas"][content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert form["properties"]["file"] == {"type": "string", "format": "binary",
                                          "description": "an optional photo of the problem"}


@pytest.mark.parametrize(("path", "media"), [
    ("/api/v1/photos/{photo_id}", "image/jpeg"),
    ("/api/v1/hazards/{hazard_id}/notice.pdf", "application/pdf"),
    ("/api/v1/hazards/ledger.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("/api/v1/points/{point_id}/qr-label.png", "image/png"),
    ("/api/v1/schools/{school_id}/qr-labels.pdf", "application/pdf"),
])
def test_downloads_say_their_media_type(spec, path, media):
    assert spec["paths"][path]["get"]["responses"]["200"]["content"][media]["schema"] == \
        {"type": "string", "format": "binary"}


def test_the_observation_check_reports_a_status_the_document_does_not_promise(spec):
    observed = {("/api/v1/hazards/<int:hazard_id>/rectify", "post", 409),
                ("/api/v1/hazards/<int:hazard_id>/rectify", "post", 418)}
    assert undocumented(spec, observed) == [
        "hazards_rectify (POST /api/v1/hazards/{hazard_id}/rectify) answered 418"]


PHONE_BODIES = {  # operationId → the input schema its documented example must satisfy
    "accounts_login": "safety.accounts.schemas:LoginIn",
    "inspections_create": "safety.inspections.schemas:InspectionIn",
    "inspections_sync": "safety.inspections.schemas:SyncIn",
    "hazards_rectify": "safety.hazards.schemas:RectifyIn",
    "hazards_verify": "safety.hazards.schemas:VerifyIn",
}


def test_the_phone_operations_carry_examples_their_own_schemas_accept(app, client):
    """A phone developer copies the example: it must be a body the server would take as valid input."""
    import importlib

    spec = client.get("/api/v1/openapi.json").json
    operations = {op["operationId"]: op for ops in spec["paths"].values() for op in ops.values()
                  if isinstance(op, dict) and "operationId" in op}
    for operation_id, target in PHONE_BODIES.items():
        example = operations[operation_id]["requestBody"]["content"]["application/json"]["example"]
        module, name = target.split(":")
        with app.test_request_context():
            assert getattr(importlib.import_module(module), name)().validate(example) == {}, operation_id
