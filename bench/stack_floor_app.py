"""The second floor for bench/ingest.py: a submission's least work on the project's own stack, with no rules.

flask-smorest validates the same body with a marshmallow schema (10 results) and dumps the answer with one; one
SELECT finds the bearer token's user; one INSERT writes the inspection and one multi-row INSERT its results
(SQLAlchemy Core on the same engine settings, no ORM objects), in one transaction. What the real endpoint costs
beyond this is the product: scope, the point and its checklist, the rules, hazards, the replay key's answer.
"""
import hashlib
import os

import marshmallow as ma
from flask import Flask, abort, request
from flask_smorest import Api, Blueprint
from sqlalchemy import column, create_engine, insert, table, text

engine = create_engine(os.environ["DATABASE_URL"], pool_size=8, pool_pre_ping=True)
app = Flask(__name__)
app.config.update(API_TITLE="floor", API_VERSION="1", OPENAPI_VERSION="3.1.0")
api = Api(app)
blp = Blueprint("floor", __name__)
RESULTS = table("bench_results", column("inspection_id"), column("item_id"), column("outcome"))


class ResultIn(ma.Schema):
    item_id = ma.fields.Integer(required=True, strict=True)
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(["pass", "fail", "na"]))


class SubmissionIn(ma.Schema):
    client_uuid = ma.fields.UUID(required=True)
    point_id = ma.fields.Integer(required=True, strict=True)
    template_version_id = ma.fields.Integer(required=True, strict=True)
    started_at = ma.fields.AwareDateTime(required=True)
    submitted_at = ma.fields.AwareDateTime(required=True)
    results = ma.fields.List(ma.fields.Nested(ResultIn), required=True)


class SubmissionOut(ma.Schema):
    id = ma.fields.Integer()
    client_uuid = ma.fields.String()
    results = ma.fields.List(ma.fields.Dict())


@blp.post("/floor/inspections")
@blp.arguments(SubmissionIn)
@blp.response(201, SubmissionOut)
def submit(body):
    token = request.headers.get("Authorization", "").partition(" ")[2]
    with engine.begin() as conn:
        user = conn.execute(text("SELECT user_id FROM api_tokens WHERE token_hash = :h AND revoked_at IS NULL"),
                            {"h": hashlib.sha256(token.encode()).hexdigest()}).scalar()
        if user is None:
            abort(401)
        inspection = conn.execute(text(
            "INSERT INTO bench_inspections (client_uuid, point_id, version_id, user_id, started_at, submitted_at) "
            "VALUES (:u, :p, :v, :user, :s, :t) RETURNING id"),
            {"u": str(body["client_uuid"]), "p": body["point_id"], "v": body["template_version_id"], "user": user,
             "s": body["started_at"], "t": body["submitted_at"]}).scalar()
        rows = conn.execute(insert(RESULTS).returning(RESULTS.c.item_id, RESULTS.c.outcome),
                            [{"inspection_id": inspection, **r} for r in body["results"]]).mappings().all()
    return {"id": inspection, "client_uuid": str(body["client_uuid"]), "results": [dict(r) for r in rows]}


api.register_blueprint(blp)
