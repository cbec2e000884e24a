import marshmallow as ma
from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .auth import public
from .parsing import Blueprint

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness and database health")


class HealthSchema(ma.Schema):
    status = ma.fields.String()
    database = ma.fields.String()


@blp.route("/health")
@public
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="The database is unreachable")
    def get(self):
        """200 when the service and its database answer; 503 when the database does not"""
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return {"status": "degraded", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}
