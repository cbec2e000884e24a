from flask import Response
from flask.views import MethodView

from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import page_of
from ..errors import ErrorSchema
from . import services
from .exports import report_xlsx
from .schemas import AggregateSchema, ForwardedSchema, ForwardIn, ReturnArgs, ReturnRowSchema, ReturnSchema, SubmitIn

blp = Blueprint("returns", __name__, url_prefix="/api/v1",
                description="Monthly safety returns (月报) with nil returns (零报告), district sums and forwarding")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/returns")
class Returns(MethodView):
    @blp.arguments(ReturnArgs, location="query")
    @blp.response(200, page_of(ReturnRowSchema))
    def get(self, args):
        """月报列表：可见学校各月的报送状态 / Monthly returns of the schools the caller can see"""
        return paginate(services.visible_returns(current_actor(), args), args)


@blp.route("/schools/<int:school_id>/returns/<string:month>")
class SchoolReturn(MethodView):
    @blp.response(200, ReturnSchema)
    def get(self, school_id, month):
        """学校月报：已报送的，或按本月数据自动生成的草稿 / A school's return for a month, or its draft"""
        return services.draft(current_actor(), school_id, month)


@blp.route("/schools/<int:school_id>/returns/<string:month>/submit")
class SubmitReturn(MethodView):
    @blp.arguments(SubmitIn)
    @blp.response(200, ReturnSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="The month is not over, or already submitted")
    def post(self, data, school_id, month):
        """报送月报（无隐患即为零报告），附校长意见；截止日后报送记为逾期 / Submit the month's return"""
        return services.submit(current_actor(), school_id, month, data["remarks"])


@blp.route("/regions/<int:region_id>/returns/<string:month>")
class RegionReturns(MethodView):
    @blp.response(200, AggregateSchema)
    def get(self, region_id, month):
        """辖区月报汇总：各校报送情况与合计 / Who has and has not submitted, and the region's sums"""
        return services.aggregate(current_actor(), region_id, month)


@blp.route("/regions/<int:region_id>/returns/<string:month>/forward")
class ForwardReturn(MethodView):
    @blp.arguments(ForwardIn)
    @blp.response(201, ForwardedSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Not a district, the month is not over, or forwarded")
    def post(self, data, region_id, month):
        """区县汇总上报市级 / A district forwards its month's aggregated return to the city"""
        return services.forward(current_actor(), region_id, month, data["remarks"])


@blp.route("/regions/<int:region_id>/returns/<string:month>/xlsx")
class RegionReturnsXlsx(MethodView):
    @blp.response(200, description="月报表 (XLSX)", content_type=XLSX)
    def get(self, region_id, month):
        """月报表导出（XLSX） / The region's monthly return as a spreadsheet"""
        report = services.aggregate(current_actor(), region_id, month)
        name = f"monthly-return-{report['region'].code}-{month}.xlsx"
        return Response(report_xlsx(report), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
