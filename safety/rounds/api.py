from flask.views import MethodView

from ..accounts.scope import require_school
from ..core.auth import current_actor
from ..core.pagination import paginate, paginate_list
from ..core.parsing import Blueprint
from ..core.schemas import PageArgs, page_of
from . import checks, services
from .kinds import current_rules
from .schemas import (
    CheckArgs,
    CheckDetailSchema,
    CheckIn,
    CheckSchema,
    DutyIn,
    DutySchema,
    RoundArgs,
    RoundDetailSchema,
    RoundKindSchema,
    RoundSchema,
)

blp = Blueprint("rounds", __name__, url_prefix="/api/v1",
                description="Inspection rounds (日巡查·周排查·月检查, fire patrols) and checks launched by offices")


@blp.route("/round-kinds")
class RoundKinds(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(RoundKindSchema))
    def get(self, args):
        """巡查类型：每种巡查的频次、负责人、覆盖的点位类别和依据 / Kinds of round with their cadence and source"""
        return paginate_list(list(current_rules().kinds.values()), args)


@blp.route("/rounds/today")
class TodaysRounds(MethodView):
    @blp.response(200, RoundSchema(many=True))
    def get(self):
        """今日巡查：我今天负责的巡查及进度 / The rounds the caller walks today, with progress"""
        return services.todays_rounds(current_actor())


@blp.route("/rounds")
class Rounds(MethodView):
    @blp.arguments(RoundArgs, location="query")
    @blp.response(200, page_of(RoundSchema))
    def get(self, args):
        """巡查记录：可见学校的巡查，最近的在前 / Rounds of the schools the caller can see, latest first"""
        page = paginate(services.visible_rounds(current_actor(), args), args)
        services.present_all(page["items"])
        return page


@blp.route("/rounds/<int:round_id>")
class RoundDetail(MethodView):
    @blp.response(200, RoundDetailSchema)
    def get(self, round_id):
        """一次巡查：按顺序列出点位及是否已在时段内检查 / One round with its points in order and progress"""
        return services.present(services.get_round(current_actor(), round_id))


@blp.route("/schools/<int:school_id>/round-duties")
class RoundDuties(MethodView):
    @blp.response(200, DutySchema(many=True))
    def get(self, school_id):
        """学校指定的巡查责任人 / The persons a school named for its kinds of round"""
        actor = current_actor()
        return services.duties(actor, require_school(actor, school_id))

    @blp.arguments(DutyIn)
    @blp.response(200, DutySchema)
    def put(self, data, school_id):
        """指定某类巡查的责任人（如值班人员、防火巡查人） / Name who walks a kind of round at the school"""
        actor = current_actor()
        return services.set_duty(actor, require_school(actor, school_id), data["kind"], data["user_id"])


@blp.route("/checks")
class Checks(MethodView):
    @blp.arguments(CheckArgs, location="query")
    @blp.response(200, page_of(CheckSchema))
    def get(self, args):
        """专项检查列表：包含可见学校的检查 / Checks launched for schools the caller can see"""
        return paginate(checks.visible_checks(current_actor(), args), args)

    @blp.arguments(CheckIn)
    @blp.response(201, CheckDetailSchema)
    def post(self, data):
        """部署检查（开学前、节假日前、专项）：辖区内每所学校一次，含时段与截止时间 / Launch a check for every
        school of a region"""
        actor = current_actor()
        return checks.completion(actor, checks.launch(actor, data))


@blp.route("/checks/<int:check_id>")
class CheckDetail(MethodView):
    @blp.response(200, CheckDetailSchema)
    def get(self, check_id):
        """检查完成情况：每所学校的状态、点位进度、是否逾期 / A check's completion by school"""
        actor = current_actor()
        return checks.completion(actor, checks.get_check(actor, check_id))
