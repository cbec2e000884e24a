"""The campaign's sensitive incident log (see incidents/): no tasks and no reports; the ledger counts incidents
per school and status, never their accounts."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...core.spreadsheets import append_row
from ...extensions import db
from ..exports import new_sheet
from ..models import Incident, IncidentStatus, TaskUnit
from . import KindSpec, register

NAME = "incident_log"
STATUS_ZH = {IncidentStatus.received: "已受理", IncidentStatus.investigating: "调查中",
             IncidentStatus.determined: "已认定", IncidentStatus.appealed: "申诉复查中",
             IncidentStatus.handled: "已处置", IncidentStatus.closed: "已结案"}


def _sheet(book, campaign, schools: list[dict], districts: dict) -> None:
    statuses = list(IncidentStatus)
    counts = db.session.execute(
        select(Incident.school_id, Incident.status, func.count())
        .where(Incident.campaign_id == campaign.id)
        .group_by(Incident.school_id, Incident.status)).all()
    by_school: dict[int, dict] = {}
    for school_id, status, n in counts:
        by_school.setdefault(school_id, {})[status] = n
    log = next(r for r in campaign.definition.requirements if r.kind == NAME)
    sheet = new_sheet(book, f"{log.name_zh}（统计）", [("学校代码", 12), ("学校", 28), ("区县", 10), ("事件数", 8)]
                      + [(STATUS_ZH[s], 10) for s in statuses])
    for school in schools:
        row = by_school.get(school["school_id"], {})
        append_row(sheet, [school["code"], school["name_zh"], districts.get(school["region_id"], ""),
                           sum(row.values()), *(row.get(s, 0) for s in statuses)])


register(KindSpec(
    name=NAME, units=(TaskUnit.none,), ledger_sheet=_sheet,
    recorded_elsewhere=lambda: _("Incidents are recorded in the incident log."),
))
