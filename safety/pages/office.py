"""The safety office's desk: the region dashboard (city → district → school), the escalation queue, exports."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import now
from ..escalations import services as escalations
from ..escalations.schemas import QueueArgs
from ..extensions import db
from ..hazards.services import visible_hazards
from ..imports.services import to_csv
from ..schools.models import Region, RegionLevel, School
from ..schools.services import visible_regions
from . import campaigns, charts, figures, forms
from .auth import safe_next
from .blueprint import bp
from .charts import Bar
from .school import ledger_response
from .session import current_user, login_required, require_office

CHART_ROWS = 30  # a chart shows the thirty worst; the table below lists every row
QUEUE_PAGE = 50
QUEUE_FILTERS = ("kind", "level", "severity", "region_id", "acknowledged", "page")


def _worst(rows, key, reverse):
    known = [r for r in rows if key(r) is not None]
    return sorted(known, key=key, reverse=reverse)[:CHART_ROWS] + [r for r in rows if key(r) is None][:5]


def _charts(rows, weeks) -> dict:
    empty = _("Nothing to show yet.")
    return {
        "weekly": charts.weekly_columns(weeks, title=_("Hazards opened and closed per week"), opened=_("Newly found"),
                                        closed=_("Closed"), label=lambda day: format_date(day, "MM-dd")),
        "overdue": charts.hbars([Bar(r.name, r.overdue, r.href, f"{r.open}") for r in
                                 _worst(rows, lambda r: r.overdue, True)],
                                title=_("Overdue hazards (of those open)"), empty=empty),
        "drills": charts.hbars([Bar(r.name, r.drill_rate, r.href, f"{r.drills_on_time}/{r.drills_required}")
                                for r in _worst(rows, lambda r: r.drill_rate, False)],
                               title=_("Drills held on time"), percent=True, empty=empty),
        "coverage": charts.hbars([Bar(r.name, r.coverage, r.href, f"{r.done}/{r.due}")
                                  for r in _worst(rows, lambda r: r.coverage, False)],
                                 title=_("Inspection coverage"), percent=True, empty=empty),
    }


@bp.route("/office")
@login_required
def office_dashboard():
    user = current_user()
    require_office(user)
    region = figures.home_region(user, request.args.get("region", type=int))
    rows = figures.units(user, region)
    total = figures.fill(user, region, rows)["total"]
    weeks = figures.weekly(user, region)
    return render_template(
        "pages/office_dashboard.html", region=region, trail=figures.breadcrumbs(user, region), rows=rows,
        total=total, charts=_charts(rows, weeks), coverage_days=figures.COVERAGE_DAYS,
        queue=escalations.counts(user, {"region_id": region.id}),
        campaigns=campaigns.region_progress(user, region, rows), moment=now(),
        schools_level=bool(rows) and rows[0].is_school)


@bp.route("/office/queue")
@login_required
def office_queue():
    user = current_user()
    require_office(user)
    args = forms.load(QueueArgs, {k: v for k, v in request.args.items() if k in QUEUE_FILTERS and v != ""}
                      | {"per_page": QUEUE_PAGE})
    counts = escalations.counts(user, args)
    rows = db.session.execute(escalations.queue(user, args).limit(QUEUE_PAGE)
                              .offset((args["page"] - 1) * QUEUE_PAGE)).all()
    schools = {s.id: s for s in db.session.scalars(select(School).where(School.id.in_({r.school_id for r in rows})))}
    districts = db.session.scalars(visible_regions(user).where(Region.level == RegionLevel.district)).all()
    kept = {k: v for k, v in request.args.items() if k in QUEUE_FILTERS and k != "page" and v != ""}
    page_links = [(n, url_for("pages.office_queue", **kept, page=n))
                  for n in range(1, max(1, -(-counts["total"] // QUEUE_PAGE)) + 1)]
    return render_template("pages/office_queue.html", rows=rows, schools=schools, counts=counts, args=args,
                           districts=districts, page_links=page_links, here=request.full_path.rstrip("?"),
                           my_levels=escalations.levels_acted_on(user))


@bp.route("/office/queue/acknowledge", methods=["POST"])
@login_required
def office_queue_acknowledge():
    """Acknowledge the ticked hazards at once; back to the same view of the queue."""
    user = current_user()
    require_office(user)
    ids = [int(value) for value in request.form.getlist("hazard_id") if value.isdigit()]
    back = safe_next(request.form.get("next")) or url_for("pages.office_queue")
    if not ids:
        flash(_("Tick the hazards to acknowledge first."), "warn")
        return redirect(back, 303)
    done = escalations.acknowledge_many(user, ids)
    flash(_("%(n)s hazards acknowledged.", n=len(done)), "ok")
    return redirect(back, 303)


@bp.route("/office/ledger.xlsx")
@login_required
def office_ledger():
    """The hazard ledger of a region (every hazard, or only the open ones), as offices file it."""
    user = current_user()
    require_office(user)
    region = figures.home_region(user, request.args.get("region", type=int))
    only_open = request.args.get("open") == "1"
    return ledger_response(visible_hazards(user, {"region_id": region.id, "open": only_open}), region.code, only_open)


@bp.route("/office/figures.csv")
@login_required
def office_figures():
    """The dashboard's figures per district or school, for a spreadsheet (UTF-8 with BOM: Excel reads it)."""
    user = current_user()
    require_office(user)
    region = figures.home_region(user, request.args.get("region", type=int))
    rows = figures.units(user, region)
    figures.fill(user, region, rows)
    headers = [_("Name"), _("Open hazards"), _("Overdue hazards"), _("Inspections due"), _("Inspections done"),
               _("Coverage %"), _("Drills required"), _("Drills on time"), _("Drills on time %")]
    data = to_csv(headers, [[r.name, r.open, r.overdue, r.due, r.done, r.coverage, r.drills_required,
                             r.drills_on_time, r.drill_rate] for r in rows])
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="figures-{region.code}.csv"'})
