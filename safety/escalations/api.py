"""The escalation ladder (school → district → city) and the offices' queue."""
from flask.views import MethodView

from ..accounts.scope import Capability, require_holding
from ..core.auth import current_actor
from ..core.parsing import Blueprint
from ..hazards.schemas import HazardSchema
from ..hazards.services import get_hazard, present
from . import services
from .schemas import EscalationActionIn, QueueArgs, QueuePageSchema

blp = Blueprint("escalations", __name__, url_prefix="/api/v1", description="The offices' escalation queue")


@blp.route("/escalations")
class Escalations(MethodView):
    @blp.arguments(QueueArgs, location="query")
    @blp.response(200, QueuePageSchema)
    def get(self, args):
        """Escalated unresolved hazards and overdue drills in the caller's region, most urgent first, with counts"""
        actor = current_actor()
        require_holding(actor, Capability.oversee)
        return services.queue_page(actor, args)


@blp.route("/hazards/<int:hazard_id>/escalation")
class EscalationAction(MethodView):
    @blp.arguments(EscalationActionIn)
    @blp.response(200, HazardSchema)
    def post(self, data, hazard_id):
        """An office's action on a hazard: acknowledge, extend the deadline, supervise (挂牌督办) or comment"""
        actor = current_actor()
        hazard = get_hazard(actor, hazard_id)
        return present(services.act(actor, hazard, data))
