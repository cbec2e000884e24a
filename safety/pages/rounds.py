"""Rounds on the phone (今日巡查: today's rounds with their points, each opening the inspection form) and the
office's view of launched checks and monthly returns, on the same services as the API."""
from __future__ import annotations

from flask import Response, render_template, request

from ..core.clock import now
from ..core.pagination import paginate
from ..returns import services as returns
from ..returns.exports import report_xlsx
from ..returns.jobs import ended_months
from ..rounds import checks
from ..rounds import services as rounds
from . import figures
from .blueprint import bp
from .session import current_user, login_required, require_office

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTED_CHECKS = 20


@bp.route("/rounds/today")
@login_required
def rounds_today():
    """The rounds the user walks today, each with its points in order; a point opens its checklist."""
    today = [rounds.present(found) for found in rounds.todays_rounds(current_user())]
    return render_template("pages/rounds_today.html", rounds=today, moment=now(), phone=True)


def _office_month(user):
    """The office's region (or one below it, `?region=`) and the month asked for, else the last one ended."""
    require_office(user)
    region = figures.home_region(user, request.args.get("region", type=int))
    return region, request.args.get("month") or ended_months(now(), 1)[0]


@bp.route("/office/rounds")
@login_required
def office_rounds():
    """Launched checks with each school's completion, and who has and has not sent the month's return."""
    user = current_user()
    region, month = _office_month(user)
    report = returns.aggregate(user, region.id, month)
    listed = paginate(checks.visible_checks(user, {}), {"page": 1, "per_page": LISTED_CHECKS})
    launched = [checks.completion(user, check) for check in listed["items"]]
    return render_template("pages/office_rounds.html", region=region, month=month, report=report,
                           checks=launched, moment=now())


@bp.route("/office/rounds/returns.xlsx")
@login_required
def office_returns_xlsx():
    user = current_user()
    region, month = _office_month(user)
    data = report_xlsx(returns.aggregate(user, region.id, month))
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="monthly-return-{region.code}-{month}.xlsx"'})
