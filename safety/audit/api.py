from flask.views import MethodView

from ..accounts.models import Role
from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import Forbidden
from .schemas import AuditArgs, AuditEventSchema
from .services import visible_events

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit trail")


@blp.route("/audit")
class Audit(MethodView):
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, page_of(AuditEventSchema))
    def get(self, args):
        """Audit events, newest first (admins; safety offices for their region)"""
        actor = current_actor()
        if not actor.has_role(Role.admin, Role.safety_office):
            raise Forbidden()
        return paginate(visible_events(actor, args), args)
