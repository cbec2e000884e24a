"""Log in and out of the pages, the start page, and what the phone needs to work offline (service worker)."""
from __future__ import annotations

import hashlib
import json

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..accounts import services as accounts
from ..accounts.schemas import LoginIn
from ..errors import ApiError
from ..extensions import db
from . import forms
from .blueprint import asset, asset_version, bp
from .session import current_user, end_session, home_for, start_session

# What the service worker keeps for offline use from the start (pages are added as they are opened).
OFFLINE_ASSETS = ("app.css", "common.js", "outbox.js", "inspect.js", "sign.js", "queue.js", "report.js", "login.js")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an address elsewhere (`//host`, `/\\host`, `https://…`)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return None


@bp.route("/")
def start():
    user = current_user()
    return redirect(home_for(user) if user else url_for("pages.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    user = current_user()
    if request.method == "GET":
        if user is not None and not request.args.get("bye"):
            return redirect(next_url or home_for(user))
        return render_template("pages/login.html", next=next_url, bye=bool(request.args.get("bye")))
    username = forms.text("username")
    try:
        data = forms.load(LoginIn, {"username": username, "password": request.form.get("password") or ""})
        result = accounts.login(data["username"], data["password"], request.user_agent.string or "")
    except ApiError as error:  # 422 empty fields, 429 locked out for a while
        db.session.rollback()
        message = error.message if error.status == 429 else _("Enter your username and password.")
        return render_template("pages/login.html", next=next_url, error=message, username=username), error.status
    db.session.commit()  # failed attempts are kept even though the answer is 401
    if result.user is None:
        return render_template("pages/login.html", next=next_url, username=username,
                               error=_("Wrong username or password.")), 401
    start_session(result.token)
    return redirect(next_url or home_for(result.user), 303)


@bp.route("/logout", methods=["POST"])
def logout():
    user = current_user()
    if user is not None:
        accounts.logout(user, g.api_token)
    end_session()
    return redirect(url_for("pages.login", bye=1), 303)


@bp.route("/offline")
def offline():
    """Shown by the service worker for a page that was never opened while online."""
    return render_template("pages/offline.html", hide_nav=True)


@bp.route("/manifest.webmanifest")
def web_manifest():
    """What "add to home screen" installs: the app's name, icons and start page, in the chosen language."""
    icon = [{"src": asset(f"icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png", "purpose": "any"}
            for n in (192, 512)]
    icon.append({"src": asset("icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"})
    manifest = {"name": _("Campus safety inspection"), "short_name": _("Campus safety"), "lang": str(get_locale()),
                "start_url": "/", "scope": "/", "display": "standalone", "background_color": "#f3f5f8",
                "theme_color": "#12355b", "icons": icon}
    return current_app.response_class(json.dumps(manifest, ensure_ascii=False), mimetype="application/manifest+json",
                                      headers={"Cache-Control": "no-cache"})


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope covers /q/ and every page."""
    version = hashlib.sha256("".join(asset_version(name) for name in OFFLINE_ASSETS).encode()).hexdigest()[:12]
    script = render_template("pages/sw.js", version=version, assets=[asset(name) for name in OFFLINE_ASSETS],
                             offline_url=url_for("pages.offline"))
    return current_app.response_class(script, mimetype="text/javascript", headers={
        "Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})
