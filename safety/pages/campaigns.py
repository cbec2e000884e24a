"""Campaigns on the pages: a school's tasks and class progress, a region's progress with its lagging schools.

Read through the campaigns package's own services (visible campaigns and tasks, scoped schools, progress),
with the logged-in user as actor, as its API does.
"""
from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..accounts.scope import Capability
from ..campaigns import exports
from ..campaigns.models import Campaign, CampaignStatus, LagStatus, TaskStatus
from ..campaigns.runs import services as campaigns
from ..campaigns.runs.progress import progress
from ..core.clock import now
from ..core.schemas import is_chinese, localised
from ..extensions import db
from ..schools.models import Region, RegionLevel, School
from . import charts
from .blueprint import bp
from .charts import Bar
from .figures import home_region
from .session import current_user, login_required, require_office

OPEN_CAMPAIGNS = 5
TASK_STATUS = {TaskStatus.open: _l("To do"), TaskStatus.done: _l("Done"), TaskStatus.overdue: _l("Overdue"),
               TaskStatus.missed: _l("Missed")}


def name(row: dict) -> str:
    return (row["name_zh"] or row["name_en"]) if is_chinese() else (row["name_en"] or row["name_zh"])


def _open(user: User) -> list[Campaign]:
    return db.session.scalars(campaigns.visible_campaigns(user, {"status": CampaignStatus.open})
                              .limit(OPEN_CAMPAIGNS)).all()


def for_school(user: User, campaign: Campaign, school: School) -> dict | None:
    figures = progress(campaign, campaigns.scoped_schools(user, {"school_id": school.id}), now(), school_id=school.id)
    if not figures["schools"]:
        return None  # the school does not take part in this run
    tasks = db.session.scalars(campaigns.visible_tasks(user, campaign, {
        "school_id": school.id, "status": [TaskStatus.overdue, TaskStatus.open]})).all()
    tasks.sort(key=lambda task: (task.status != TaskStatus.overdue, task.due_at))
    return {"campaign": campaign, "figures": figures["schools"][0], "requirements": figures["requirements"],
            "classes": figures["classes"], "tasks": tasks}


def school_campaigns(user: User, school: School) -> list[dict]:
    """The open campaigns the school takes part in, with its figures and its tasks still to do."""
    return [found for campaign in _open(user) if (found := for_school(user, campaign, school))]


def region_progress(user: User, region: Region, rows) -> list[dict]:
    """Each open campaign's completion per district (or per school), and the schools lagging behind."""
    result = []
    by_school = region.level == RegionLevel.district or (rows and rows[0].is_school)
    for campaign in _open(user):
        figures = progress(campaign, campaigns.scoped_schools(user, {"region_id": region.id}), now())
        if not figures["schools"]:
            continue
        if by_school:
            bars = [Bar(name(s), s["completion_rate"], url_for("pages.school_board", school_id=s["school_id"]),
                        f"{s['done']}/{s['tasks']}") for s in figures["schools"]]
        else:
            bars = [Bar(name(d), d["completion_rate"], url_for("pages.office_dashboard", region=d["region_id"]),
                        f"{d['done']}/{d['tasks']}") for d in figures["districts"]]
        bars.sort(key=lambda bar: (bar.value is None, bar.value or 0))
        lagging = [s for s in figures["schools"] if s["lag_status"] == LagStatus.lagging]
        result.append({"campaign": campaign, "overall": figures["overall"], "lagging": lagging,
                       "chart": charts.hbars(bars, title=localised(campaign), percent=True,
                                             empty=_("Nothing to show yet."))})
    return result


@bp.route("/office/campaigns/<int:campaign_id>/ledger.xlsx")
@login_required
def office_campaign_ledger(campaign_id):
    """The campaign's ledger for the office's schools in a region (a row per school, a sheet per activity)."""
    user = current_user()
    require_office(user)
    region = home_region(user, request.args.get("region", type=int))
    campaign = campaigns.get_campaign(user, campaign_id)
    data = exports.campaign_ledger_xlsx(campaign, campaigns.scoped_schools(user, {"region_id": region.id},
                                                                            Capability.oversee))
    return Response(data, mimetype=exports.XLSX, headers={
        "Content-Disposition": f'attachment; filename="campaign-{campaign.id}-{region.code}.xlsx"',
        "Cache-Control": "no-store"})
