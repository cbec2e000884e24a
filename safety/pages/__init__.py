"""Server-rendered pages on top of the same services as the API.

Three audiences: the phone form behind every QR code (inspector.py), the principal's school board (school.py,
hazards.py) and the safety office's desk (office.py). Log-in keeps the bearer token of the accounts service in
a signed session cookie (session.py); forms carry a CSRF token and every page a Content-Security-Policy
(security.py). The phone form talks to the JSON API with the same token and queues offline (static/pages).
"""
from __future__ import annotations

from flask import Flask


def init_pages(app: Flask) -> None:
    """Register the pages blueprint with its views, session settings, security headers and language choice."""
    from . import (  # noqa: F401  (routes attach to `bp`)
        admin,
        auth,
        calendar,
        campaign_work,
        campaigns,
        classes,
        committee,
        documents,
        hazards,
        imports,
        inbox,
        incidents,
        inspector,
        mine,
        office,
        points,
        receipts,
        rounds,
        school,
        staff,
        students,
        users,
        waters,
    )
    from .blueprint import bp
    from .security import init_security
    from .session import init_session
    app.register_blueprint(bp)
    init_session(app)
    init_security(app)
