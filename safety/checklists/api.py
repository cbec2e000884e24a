from flask.views import MethodView

from ..core.auth import current_actor
from ..core.pagination import paginate, paginate_list
from ..core.parsing import Blueprint
from ..core.schemas import IdField, PageArgs, page_of
from ..schools.services import get_region
from . import services
from .schemas import NewVersionIn, TemplateArgs, TemplateIn, TemplateSchema, VersionSchema

blp = Blueprint("checklists", __name__, url_prefix="/api/v1", description="Checklist templates and versions")


class TemplateCreateIn(TemplateIn):
    region_id = IdField(allow_none=True, load_default=None)


@blp.route("/checklists")
class Checklists(MethodView):
    @blp.arguments(TemplateArgs, location="query")
    @blp.response(200, page_of(TemplateSchema))
    def get(self, args):
        """Templates the caller can use or manage, with their current version"""
        return paginate(services.visible_templates(current_actor(), args), args)

    @blp.arguments(TemplateCreateIn)
    @blp.response(201, TemplateSchema)
    def post(self, data):
        """A new template for a region (offices) or a system-wide one (admins)"""
        actor = current_actor()
        region_id = data.pop("region_id")
        region = get_region(actor, region_id) if region_id else None
        return services.create_template(actor, data, region)


@blp.route("/checklists/<int:template_id>")
class ChecklistDetail(MethodView):
    @blp.response(200, TemplateSchema)
    def get(self, template_id):
        """One template with its current version"""
        return services.get_template(current_actor(), template_id)


@blp.route("/checklists/<int:template_id>/versions")
class ChecklistVersions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(VersionSchema))
    def get(self, args, template_id):
        """Every version of a template, oldest first"""
        return paginate_list(services.get_template(current_actor(), template_id).versions, args)

    @blp.arguments(NewVersionIn)
    @blp.response(201, VersionSchema)
    def post(self, data, template_id):
        """Edit a template: writes a new immutable version and makes it current"""
        actor = current_actor()
        return services.add_version(actor, services.get_template(actor, template_id), data)


@blp.route("/checklist-versions/<int:version_id>")
class ChecklistVersionDetail(MethodView):
    @blp.response(200, VersionSchema)
    def get(self, version_id):
        """One version, as an inspection answered it"""
        return services.get_version(current_actor(), version_id)
