from flask.views import MethodView

from ..accounts.scope import Capability, require_school
from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import PageArgs, page_of
from . import rosters, services
from .schemas import (
    ClassIn,
    ClassSchema,
    ClassUpdateIn,
    RegionIn,
    RegionSchema,
    RosterIn,
    RosterSchema,
    SchoolArgs,
    SchoolIn,
    SchoolSchema,
    SchoolUpdateIn,
)

blp = Blueprint("schools", __name__, url_prefix="/api/v1", description="Regions, schools and classes")


@blp.route("/regions")
class Regions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(RegionSchema))
    def get(self, args):
        """Regions the caller can see, tree order"""
        return paginate(services.visible_regions(current_actor()), args)

    @blp.arguments(RegionIn)
    @blp.response(201, RegionSchema)
    def post(self, data):
        """Add a region (admins anywhere; an office below its own region)"""
        actor = current_actor()
        parent_id = data.pop("parent_id", None)
        parent = services.get_region(actor, parent_id) if parent_id else None
        return services.create_region(actor, parent=parent, **data)


@blp.route("/regions/<int:region_id>")
class RegionDetail(MethodView):
    @blp.response(200, RegionSchema)
    def get(self, region_id):
        """One region"""
        return services.get_region(current_actor(), region_id)


@blp.route("/schools")
class Schools(MethodView):
    @blp.arguments(SchoolArgs, location="query")
    @blp.response(200, page_of(SchoolSchema))
    def get(self, args):
        """Schools the caller can see"""
        return paginate(services.visible_schools(current_actor(), args), args)

    @blp.arguments(SchoolIn)
    @blp.response(201, SchoolSchema)
    def post(self, data):
        """Add a school to a district in the caller's region"""
        actor = current_actor()
        region = services.get_region(actor, data.pop("region_id"))
        return services.create_school(actor, region=region, **data)


@blp.route("/schools/<int:school_id>")
class SchoolDetail(MethodView):
    @blp.response(200, SchoolSchema)
    def get(self, school_id):
        """One school"""
        return require_school(current_actor(), school_id)

    @blp.arguments(SchoolUpdateIn)
    @blp.response(200, SchoolSchema)
    def patch(self, data, school_id):
        """Change a school's facts (its principal or an office in scope)"""
        actor = current_actor()
        return services.update_school(actor, require_school(actor, school_id, Capability.manage), data)


@blp.route("/schools/<int:school_id>/classes")
class Classes(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ClassSchema))
    def get(self, args, school_id):
        """A school's classes"""
        return paginate(services.school_classes(require_school(current_actor(), school_id)), args)

    @blp.arguments(ClassIn)
    @blp.response(201, ClassSchema)
    def post(self, data, school_id):
        """Add a class (the school's principal or an office)"""
        actor = current_actor()
        return services.add_class(actor, require_school(actor, school_id, Capability.manage), **data)


@blp.route("/classes/<int:class_id>")
class ClassDetail(MethodView):
    @blp.arguments(ClassUpdateIn)
    @blp.response(200, ClassSchema)
    def patch(self, data, class_id):
        """Rename a class or change its student count"""
        actor = current_actor()
        return services.update_class(actor, services.get_class(actor, class_id, Capability.manage), data)

    @blp.response(204)
    def delete(self, class_id):
        """Remove a class"""
        actor = current_actor()
        services.remove_class(actor, services.get_class(actor, class_id, Capability.manage))




@blp.route("/classes/<int:class_id>/roster")
class ClassRoster(MethodView):
    @blp.response(200, RosterSchema)
    def get(self, class_id):
        """班级花名册：仅本班班主任和本校校长可见

        The class's roster (花名册), in order. Names stay in the school: offices get 404.
        """
        school_class, entries = rosters.roster_of(current_actor(), class_id)
        return {"class_id": school_class.id, "students": entries}

    @blp.arguments(RosterIn)
    @blp.response(200, RosterSchema)
    def put(self, data, class_id):
        """导入班级花名册（整体替换）

        Replace the class's roster with these students; parent receipts are matched against it by name or number.
        """
        entries = rosters.replace_roster(current_actor(), class_id, data["students"])
        return {"class_id": class_id, "students": entries}
