from flask.views import MethodView

from ..accounts.scope import Capability, require_holding
from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from .schemas import AuditArgs, AuditEventSchema
from .services import visible_events

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit trail")


@blp.route("/audit")
class Audit(MethodView):
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_of(AuditEventSchema))
    def get(self, args):
        """Audit events, newest first (admins; safety offices for their region)"""
        return paginate(visible_events(require_holding(current_actor(), Capability.oversee), args), args)
