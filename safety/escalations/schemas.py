import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import validate

from ..checklists.models import Grade
from ..core.schemas import IdField, PageArgs, StrictSchema
from ..hazards.schemas import FiveFixedIn


class QueueArgs(PageArgs):
    kind = ma.fields.String(validate=validate.OneOf(["hazard", "drill", "campaign", "incident", "round", "check",
                                                   "return"]))
    level = ma.fields.Integer(validate=validate.Range(1, 2))
    severity = ma.fields.Enum(Grade, by_value=True)
    school_id = IdField()
    region_id = IdField()
    acknowledged = ma.fields.Boolean()


class QueueItemSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "hazard | drill | campaign | incident | round | check | return"})
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    school = ma.fields.String()
    title = ma.fields.String()
    level = ma.fields.Integer()
    grade = ma.fields.String()
    status = ma.fields.String()
    due_at = ma.fields.AwareDateTime(allow_none=True)
    overdue_hours = ma.fields.Integer(allow_none=True)
    acknowledged_at = ma.fields.AwareDateTime(allow_none=True)
    supervised_at = ma.fields.AwareDateTime(allow_none=True)


class QueueCountsSchema(ma.Schema):
    total = ma.fields.Integer()
    by_level = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), metadata={"description": "1, 2"})
    by_kind = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                             metadata={"description": "hazard, drill, campaign, round, check, return"})


class QueuePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueItemSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    counts = ma.fields.Nested(QueueCountsSchema)


class EscalationActionIn(StrictSchema):
    """One office action; which fields are needed depends on `action`."""

    action = ma.fields.String(required=True, validate=validate.OneOf(["acknowledge", "extend", "supervise",
                                                                      "comment"]))
    note = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    deadline = ma.fields.AwareDateTime(metadata={
        "description": "extend: the new deadline, later than the current one and at most `max_extension_days` "
                       "(ESCALATION_POLICY, 30 by default) after it"})
    reason = ma.fields.String(validate=validate.Length(min=1, max=2000),
                              metadata={"description": "extend, supervise: why the deadline changes"})
    plan = ma.fields.Nested(FiveFixedIn, metadata={
        "description": "supervise: the 五落实 plan (responsibility, measures, funds, deadline, contingency)"})
    supervisor = ma.fields.String(validate=validate.Length(min=1, max=100),
                                  metadata={"description": "supervise: the supervising officer"})

    @ma.validates_schema
    def _fields_for_action(self, data, **_kwargs):
        needed = {"extend": ("deadline", "reason"), "supervise": ("plan", "supervisor", "reason"), "comment": ("note",)}
        missing = {name: [_("Required for this action.")] for name in needed.get(data["action"], ())
                   if not data.get(name)}
        if missing:
            raise ma.ValidationError(missing)
