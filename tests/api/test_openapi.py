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
