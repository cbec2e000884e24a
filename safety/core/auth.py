"""Bearer-token authentication for the JSON API, secure by default.

Every `/api/` endpoint needs a valid token unless its view is marked `@public`; a new endpoint that forgets
about authentication is therefore closed, not open.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import Flask, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import Unauthorized
from ..extensions import db
from .clock import now

API_PREFIX = "/api/"
PUBLIC_BLUEPRINTS = {"api-docs"}  # flask-smorest's OpenAPI JSON and docs page


def public(view):
    """Mark a view function or MethodView class as reachable without a token."""
    view.public = True
    return view


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None:  # no route matched: let routing answer 404/405 in the one error shape
        return True
    if endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "public", False) or getattr(getattr(view, "view_class", None), "public", False))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """An opaque token (256 bits, URL-safe) and the hash the server keeps."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_user(token: str):
    """The active user behind an unexpired, unrevoked token, or None."""
    from ..accounts.models import ApiToken, User

    # Token, user and role assignments in one round trip: every API request starts here.
    row = db.session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id).options(joinedload(User.roles))
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None),
               ApiToken.expires_at > now(), User.active.is_(True))
    ).unique().first()
    return (row.ApiToken, row.User) if row else (None, None)


def current_actor():
    """The authenticated user of this request (set by the before-request check)."""
    return g.get("actor")


def _authenticate():
    # `g` lives on the app context, which a test (or a CLI command) may share across requests: start clean.
    g.actor = g.api_token = None
    g.request_cache = {}
    if not request.path.startswith(API_PREFIX):
        return
    token = bearer_token()
    if token:
        g.api_token, g.actor = token_user(token)
    if _is_public(request.endpoint):
        return
    if g.get("actor") is None:
        raise Unauthorized(headers={"WWW-Authenticate": 'Bearer realm="api"'})


def init_auth(app: Flask) -> None:
    app.before_request(_authenticate)


def request_cached(key: str, compute):
    """A value computed once per request (e.g. the set of schools the caller manages)."""
    cache = g.setdefault("request_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]
