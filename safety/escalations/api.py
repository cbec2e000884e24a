from flask.views import MethodView

from ..accounts.models import Role
from ..core.auth import current_actor
from ..core.clock import now
from ..core.parsing import Blueprint
from ..errors import Forbidden
from ..extensions import db
from ..hazards.schemas import HazardSchema
from ..hazards.services import get_hazard, present
from ..schools.models import School
from . import services
from .schemas import EscalationActionIn, QueueArgs, QueuePageSchema

blp = Blueprint("escalations", __name__, url_prefix="/api/v1", description="The offices' escalation queue")


def _item(row) -> dict:
    item = dict(row._mapping)
    item["school"] = row.school_name
    due = row.due_at
    item["overdue_hours"] = int((now() - due).total_seconds() // 3600) if due and due < now() else 0
    return item


@blp.route("/escalations")
class Escalations(MethodView):
    @blp.arguments(QueueArgs, location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, args):
        """Escalated unresolved hazards and overdue drills in the caller's region, most urgent first, with counts"""
        actor = current_actor()
        if not actor.has_role(Role.admin, Role.safety_office):
            raise Forbidden()
        query = services.queue(actor, args)
        page = args["page"], args["per_page"]
        total = services.tally(query)
        named = query.add_columns(School.name_zh.label("school_name")) \
            .join(School, School.id == query.selected_columns.school_id)
        rows = db.session.execute(named.limit(page[1]).offset((page[0] - 1) * page[1])).all()
        return {"items": [_item(r) for r in rows], "total": total["total"], "page": page[0],
                "per_page": page[1], "counts": total}


ACTIONS = {
    "acknowledge": lambda actor, hazard, d: services.acknowledge(actor, hazard, d["note"]),
    "extend": lambda actor, hazard, d: services.extend(actor, hazard, d["deadline"], d["reason"]),
    "supervise": lambda actor, hazard, d: services.supervise(actor, hazard, d["plan"], d["supervisor"], d["reason"]),
    "comment": lambda actor, hazard, d: services.comment(actor, hazard, d["note"]),
}


@blp.route("/hazards/<int:hazard_id>/escalation")
class EscalationAction(MethodView):
    @blp.arguments(EscalationActionIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """An office's action on a hazard: acknowledge, extend the deadline, supervise (挂牌督办) or comment"""
        actor = current_actor()
        hazard = get_hazard(actor, hazard_id)
        return present(ACTIONS[data["action"]](actor, hazard, data))
