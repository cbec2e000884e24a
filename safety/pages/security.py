"""CSRF tokens for the pages' forms, and the security headers every page leaves with.

The CSRF token is a random value kept in the signed session cookie and repeated in each form (or, for
scripts, in an `X-CSRF-Token` header); a state-changing request without the matching value is a 400.
The JSON API needs no such token: it authenticates with a bearer header a foreign site cannot send.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l

from ..errors import BadRequest
from .blueprint import bp

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FAILED = _l("This form has expired or did not come from this site; reload the page and try again.")

# No inline script or style anywhere: scripts and styles are files served by the app itself (no CDN).
# Photo previews on the phone are blob: URLs; charts are inline SVG styled from the stylesheet.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def policy_with_images_from(url: str) -> str:
    """The policy, also allowing images from the host of a tile URL template ({s} subdomains: any subdomain)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or "@" in parts.netloc:
        return CONTENT_SECURITY_POLICY
    host = parts.netloc
    if "{" in host:  # e.g. t{s}.tianditu.gov.cn → *.tianditu.gov.cn
        host = "*." + host.split(".", 1)[1]
    return CONTENT_SECURITY_POLICY.replace("img-src 'self'", f"img-src 'self' https://{host}", 1)


def csrf_token() -> str:
    token = session.get("csrf")
    if token is None:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


@bp.before_request
def _check_csrf():
    if request.method in SAFE_METHODS:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise BadRequest(CSRF_FAILED, code="csrf_failed")


def _security_headers(response):
    """Every non-API response: CSP and friends; HTML pages are never stored by browsers or proxies
    (the phone's service worker keeps its own copies of the inspection pages)."""
    if request.path.startswith("/api/"):
        return response
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")  # QR tokens are in page addresses
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    app.after_request(_security_headers)
