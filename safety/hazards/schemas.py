import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from ..checklists.models import Category, Grade
from ..core.openapi import SCALAR
from ..core.schemas import IdField, PageArgs, StrictSchema
from ..photos.schemas import PhotoRef, PhotoRefSchema
from .models import HazardSource, HazardStatus
from .services import SORTS


class HazardSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    point_id = ma.fields.Integer(allow_none=True)
    category = ma.fields.Enum(Category, by_value=True)
    item_key = ma.fields.String(allow_none=True)
    source = ma.fields.Enum(HazardSource, by_value=True)
    grade = ma.fields.Enum(Grade, by_value=True)
    status = ma.fields.Enum(HazardStatus, by_value=True)
    title = ma.fields.String()
    level = ma.fields.Integer()
    deadline = ma.fields.AwareDateTime(allow_none=True)
    interim_deadline = ma.fields.AwareDateTime(allow_none=True)
    overdue = ma.fields.Boolean()
    recurrences = ma.fields.Integer()
    assignee_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    closed_at = ma.fields.AwareDateTime(allow_none=True)


class EventSchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor = ma.fields.Function(lambda e: e.actor.display_name if e.actor else None, allow_none=True,
                               metadata={"type": "string"})
    action = ma.fields.String()
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    inspection_id = ma.fields.Integer(allow_none=True)
    data = ma.fields.Dict(keys=ma.fields.String(), metadata={"additionalProperties": SCALAR})
    photos = ma.fields.List(ma.fields.Nested(PhotoRefSchema))


class HazardSchema(HazardSummarySchema):
    description = ma.fields.String()
    inspection_id = ma.fields.Integer(allow_none=True)
    reporter_id = ma.fields.Integer(allow_none=True)
    reporter_phone = ma.fields.String(allow_none=True)
    rectifier_id = ma.fields.Integer(allow_none=True)
    five_fixed = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), allow_none=True, metadata={
        "description": "the 五落实 plan of a major hazard (责任、措施、资金、时限、预案)"})
    measures = ma.fields.String(allow_none=True, metadata={
        "description": "整改措施, from the plan or the rectification"})
    funds = ma.fields.String(allow_none=True, metadata={"description": "整改资金"})
    interim_measures = ma.fields.String(allow_none=True, metadata={"description": "临时防范措施"})
    accepted_by_id = ma.fields.Integer(allow_none=True, metadata={"description": "验收人"})
    accepted_at = ma.fields.AwareDateTime(allow_none=True)
    acceptance_opinion = ma.fields.String(allow_none=True, metadata={"description": "验收意见"})
    on_the_spot = ma.fields.Boolean(metadata={"description": "立行立改: fixed during the inspection that found it"})
    events = ma.fields.List(ma.fields.Nested(EventSchema))


class HazardArgs(PageArgs):
    school_id = IdField()
    region_id = IdField()
    point_id = IdField()
    status = DelimitedList(ma.fields.Enum(HazardStatus, by_value=True))
    severity = ma.fields.Enum(Grade, by_value=True, metadata={"description": "the hazard grade"})
    level = ma.fields.Integer(validate=validate.Range(0, 2))
    category = ma.fields.Enum(Category, by_value=True)
    source = ma.fields.Enum(HazardSource, by_value=True)
    overdue = ma.fields.Boolean()
    open = ma.fields.Boolean()
    mine = ma.fields.Boolean(metadata={"description": "只列出指派给我的隐患（我的隐患）"})
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
    sort = ma.fields.String(validate=validate.OneOf(SORTS), metadata={
        "description": "the order (`-` for descending); by default open and overdue first, then by deadline"})


class CountArgs(HazardArgs):
    class Meta:
        exclude = ("page", "per_page", "status", "sort")


# How many visible hazards are in each status: one integer per status.
HazardCountsSchema = ma.Schema.from_dict({s.value: ma.fields.Integer(required=True) for s in HazardStatus},
                                         name="HazardCountsSchema")


class LedgerArgs(HazardArgs):
    class Meta:
        exclude = ("page", "per_page", "sort")  # the ledger is ordered by school


class HazardIn(StrictSchema):
    school_id = IdField(required=True)
    point_id = IdField()
    category = ma.fields.Enum(Category, by_value=True)
    grade = ma.fields.Enum(Grade, by_value=True, load_default=Grade.general)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    photos = ma.fields.List(PhotoRef(), load_default=list, validate=validate.Length(max=20))


class AssignIn(StrictSchema):
    assignee_id = IdField(required=True)
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    deadline = ma.fields.AwareDateTime(metadata={
        "description": "a general hazard's deadline, set by whoever confirms it (policy: 7 days by default, at most "
                       "`max_deadline_days` after it was found)"})


class NoteIn(StrictSchema):
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))


RECTIFY_EXAMPLE = {"note": "已更换灭火器，压力正常",
                   "photos": ["4c5d6e7f08192a3b4c5d6e7f8091a2b3c4f5e6d7a8b9c0e1f5a6d7b8e4c9a2f3"]}
VERIFY_EXAMPLE = {"accepted": True, "note": "复查合格"}


class RectifyIn(StrictSchema):
    note = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000), metadata={
        "description": "what was done (the ledger's 整改措施 unless `measures` says otherwise)"})
    photos = ma.fields.List(PhotoRef(), required=True, validate=validate.Length(min=1, max=20))
    measures = ma.fields.String(validate=validate.Length(min=1, max=4000), metadata={"description": "整改措施"})
    funds = ma.fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "整改资金"})
    interim_measures = ma.fields.String(validate=validate.Length(min=1, max=4000),
                                        metadata={"description": "临时防范措施"})


class VerifyIn(StrictSchema):
    accepted = ma.fields.Boolean(required=True)
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "the verifier's opinion (验收意见 in the ledger when accepted)"})


class DismissIn(StrictSchema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ReopenIn(DismissIn):
    """Why a closed hazard is reopened (what was found not fixed)."""


class FiveFixedIn(StrictSchema):
    """五落实: 责任、措施、资金、时限、预案 落实到位 (the major-hazard plan), with the interim measures."""

    measures = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000))
    responsible_person = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    funding = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    deadline = ma.fields.AwareDateTime(required=True)
    contingency_plan = ma.fields.String(required=True, validate=validate.Length(min=1, max=4000))
    interim_measures = ma.fields.String(validate=validate.Length(min=1, max=4000),
                                        metadata={"description": "临时防范措施 until it is fixed"})


class PublicReportIn(StrictSchema):
    description = ma.fields.String(required=True, validate=validate.Length(min=4, max=2000))
    phone = ma.fields.String(validate=validate.Regexp(r"^\+?[0-9 \-]{5,20}$"))


class PublicReportOut(ma.Schema):
    received = ma.fields.Boolean()
    reference = ma.fields.String()
