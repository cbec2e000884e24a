"""Language: the user's preference, else `?lang=`, else Accept-Language; zh-CN by default."""
from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import refresh

LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


def normalise(tag: str | None) -> str | None:
    if not tag:
        return None
    return LOCALES.get(tag.replace("_", "-").split("-")[0].lower())


def select_locale() -> str | None:
    if not has_request_context():
        return None
    actor = g.get("actor")
    chosen = normalise(request.args.get("lang")) or normalise(getattr(actor, "locale", None))
    if chosen:
        return chosen
    return normalise(request.accept_languages.best_match(["zh-CN", "zh", "en"]))


def init_i18n(app: Flask) -> None:
    # Flask-Babel caches the locale on the app context; each request decides afresh.
    app.before_request(refresh)
