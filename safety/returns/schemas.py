import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from ..core.schemas import IdField, PageArgs, StrictSchema, localised
from .figures import FIGURES
from .models import ReturnStatus

MONTH_PATTERN = r"^(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])$"


def _figure_fields(**kwargs) -> dict:
    return {f.name: ma.fields.Integer(metadata={"description": f"{f.label_zh} ({f.label_en})"}, **kwargs)
            for f in FIGURES}


FiguresSchema = ma.Schema.from_dict(_figure_fields(), name="ReturnFiguresSchema")
FIGURE_DESCRIPTION = ("hazards_closed_on_spot counts 立行立改 (closed where found); hazards_open and hazards_overdue "
                      "are as at the month's end; rounds are counted in the month their window ends")


class ReturnSchema(ma.Schema):
    school_id = ma.fields.Integer()
    school_name = ma.fields.Function(lambda r: localised(r["school"]), metadata={"type": "string"})
    month = ma.fields.String(metadata={"description": "YYYY-MM"})
    status = ma.fields.Enum(ReturnStatus, by_value=True)
    due_at = ma.fields.AwareDateTime()
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    late = ma.fields.Boolean(metadata={"description": "submitted after the due day, or still pending past it"})
    nil_return = ma.fields.Boolean(metadata={"description": "零报告: nothing found and nothing open"})
    remarks = ma.fields.String(metadata={"description": "the principal's remarks"})
    figures = ma.fields.Nested(FiguresSchema, metadata={
        "description": "as submitted, or drafted now from the month's data; " + FIGURE_DESCRIPTION})


class ReturnRowSchema(ma.Schema):
    id = ma.fields.Integer()
    school_id = ma.fields.Integer()
    month = ma.fields.String()
    status = ma.fields.Enum(ReturnStatus, by_value=True)
    due_at = ma.fields.AwareDateTime()
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    late = ma.fields.Boolean()
    nil_return = ma.fields.Boolean()


class SubmitIn(StrictSchema):
    remarks = ma.fields.String(load_default="", validate=validate.Length(max=4000),
                               metadata={"description": "the principal's remarks (校长意见)"})


class ReturnArgs(PageArgs):
    school_id = IdField()
    region_id = IdField()
    month = ma.fields.String(validate=validate.Regexp(MONTH_PATTERN), metadata={"description": "YYYY-MM"})
    status = DelimitedList(ma.fields.Enum(ReturnStatus, by_value=True))
    late = ma.fields.Boolean()


class SchoolLineSchema(ma.Schema):
    school_id = ma.fields.Integer()
    school_name = ma.fields.Function(lambda r: localised(r["school"]), metadata={"type": "string"})
    status = ma.fields.Enum(ReturnStatus, by_value=True)
    due_at = ma.fields.AwareDateTime(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    late = ma.fields.Boolean()
    nil_return = ma.fields.Boolean()
    figures = ma.fields.Nested(FiguresSchema, allow_none=True, metadata={"description": "null until submitted"})


_COUNTS = {"schools_total": ma.fields.Integer(), "schools_submitted": ma.fields.Integer(),
           "schools_late": ma.fields.Integer(), "schools_nil": ma.fields.Integer()}
TotalsSchema = ma.Schema.from_dict({**_COUNTS, **_figure_fields()}, name="ReturnTotalsSchema")


class DistrictLineSchema(TotalsSchema):
    region_id = ma.fields.Function(lambda r: r["region"].id, metadata={"type": "integer"})
    region_name = ma.fields.Function(lambda r: localised(r["region"]), metadata={"type": "string"})
    forwarded_at = ma.fields.AwareDateTime(allow_none=True)


class ForwardedSchema(TotalsSchema):
    region_id = ma.fields.Integer()
    month = ma.fields.String()
    remarks = ma.fields.String()
    forwarded_at = ma.fields.AwareDateTime()
    forwarded_by_id = ma.fields.Integer(allow_none=True)


class AggregateSchema(ma.Schema):
    region_id = ma.fields.Function(lambda r: r["region"].id, metadata={"type": "integer"})
    region_name = ma.fields.Function(lambda r: localised(r["region"]), metadata={"type": "string"})
    month = ma.fields.String()
    totals = ma.fields.Nested(TotalsSchema, metadata={"description": "sums of the submitted returns"})
    schools = ma.fields.List(ma.fields.Nested(SchoolLineSchema))
    districts = ma.fields.List(ma.fields.Nested(DistrictLineSchema), metadata={"description": "for a city"})
    forwarded = ma.fields.Nested(ForwardedSchema, allow_none=True,
                                 metadata={"description": "a district's return as forwarded to the city"})


class ForwardIn(StrictSchema):
    remarks = ma.fields.String(load_default="", validate=validate.Length(max=4000))
