"""Campus safety inspection service."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, send_from_directory

from . import config as settings
from .extensions import api, babel, db, migrate

log = logging.getLogger(__name__)

BLUEPRINTS = (
    "safety.core.health",
    "safety.accounts.api",
    "safety.schools.api",
    "safety.audit.api",
    "safety.checklists.api",
    "safety.points.api",
    "safety.photos.api",
    "safety.inspections.api",
    "safety.hazards.api",
    "safety.notices.api",
    "safety.imports.api",
    "safety.labels.api",
    "safety.notifications.api",
    "safety.escalations.api",
    "safety.drills.api",
    "safety.campaigns.api",
    "safety.rounds.api",
    "safety.returns.api",
    "safety.students.api",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config → extensions → API → errors → CLI."""
    app = Flask(__name__, instance_relative_config=True, instance_path=settings.instance_path())
    app.config.update(settings.from_environment(Path(app.instance_path)))
    app.config.update(settings.API_SETTINGS)
    app.config["API_SPEC_OPTIONS"] = _spec_options()
    app.config.update(config or {})
    app.json.ensure_ascii = False  # Chinese text stays readable in responses
    _trust_proxies(app)

    _init_extensions(app)
    _register_api(app)
    _register_pages(app)
    _register_error_handlers(app)
    from .cli import register_commands
    register_commands(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind nginx the client's address and scheme arrive in X-Forwarded-For/-Proto. They are believed from
    exactly TRUSTED_PROXY_COUNT proxies (the right-most entries), never more: a client could write the rest."""
    if count := app.config["TRUSTED_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _init_extensions(app: Flask) -> None:
    from .core.i18n import init_i18n, select_locale
    from .core.sqlite import init_sqlite
    db.init_app(app)
    init_sqlite(app)
    migrate.init_app(app, db, directory=str(settings.PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)
    from . import models  # noqa: F401  (every model registered before anything asks for metadata)


def _register_api(app: Flask) -> None:
    import importlib

    import swagger_ui_bundle

    from .core.auth import init_auth, public
    from .core.routing import init_routing
    from .core.transactions import init_transactions
    init_routing(app)  # before any blueprint adds rules
    from .core.openapi import ContractPlugin
    from .errors import ErrorSchema
    api.ERROR_SCHEMA = ErrorSchema  # documented error responses show the one error shape
    api.DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists its own error statuses instead
    api.init_app(app, spec_kwargs={"extra_plugins": [ContractPlugin(app)]})
    for name in BLUEPRINTS:
        api.register_blueprint(importlib.import_module(name).blp)
    init_auth(app)
    init_transactions(app)

    @app.route("/api/v1/docs/assets/<path:filename>")
    @public
    def swagger_ui_assets(filename):  # the docs page's JavaScript, served locally: no CDN
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.after_request
    def total_count_header(response):
        if (total := g.pop("total_count", None)) is not None:
            response.headers["X-Total-Count"] = str(total)
        return response


def _register_pages(app: Flask) -> None:
    from .core.schemas import is_chinese, localised
    from .pages import init_pages
    init_pages(app)  # the pages blueprint, its session cookie, CSRF, CSP and the pages' language switch
    app.jinja_env.globals.update(localised=localised, is_chinese=is_chinese)


def _register_error_handlers(app: Flask) -> None:
    from .errors import register_error_handlers
    register_error_handlers(app)  # after flask-smorest, replacing its handler with our one shape


def _spec_options() -> dict:
    return {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
        "servers": [{"url": "/", "description": "The deployment serving this document"}],
        "info": {"description": "The JSON API of the campus safety inspection service (校园安全巡查服务): QR "
                                "inspection points, phone checklists, hazards, escalation, drills and campaigns. "
                                "Every error has the one `Error` shape.",
                 "contact": {"name": "Campus safety service maintainers", "url": "https://safety.example.cn"}},
    }
