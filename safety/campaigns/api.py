
from flask import Response
from flask.views import MethodView

from ..accounts.models import Role
from ..accounts.scope import Capability, require_school
from ..core.auth import current_actor, public
from ..core.clock import now
from ..core.pagination import paginate, paginate_list
from ..core.parsing import Blueprint
from ..core.schemas import PageArgs, page_of
from ..errors import Forbidden
from ..extensions import db
from . import (
    exports,
    notices,  # noqa: F401  (the texts of this package's notifications)
)
from .activities import services as activities
from .incidents import committee, log
from .incidents.schemas import (
    CompositionSchema,
    IncidentArgs,
    IncidentIn,
    IncidentSchema,
    IncidentStatusIn,
    MemberIn,
    MemberSchema,
)
from .letters import receipts
from .letters.schemas import (
    LetterLabelArgs,
    LetterPageArgs,
    LetterSchema,
    PaperReceiptsIn,
    PublicLetterSchema,
    PublicReceiptIn,
    ReceiptSchema,
)
from .runs import definitions
from .runs import services as runs
from .runs.progress import progress
from .schemas import (
    ActivityArgs,
    ActivityIn,
    ActivitySchema,
    CampaignArgs,
    CampaignSchema,
    DefinitionArgs,
    DefinitionIn,
    DefinitionPatch,
    DefinitionSchema,
    LedgerArgs,
    ProgressArgs,
    ProgressSchema,
    TaskArgs,
    TaskSchema,
)
from .waters import equipment, geo
from .waters import services as waters
from .waters.schemas import (
    EquipmentSchema,
    FeatureCollectionSchema,
    WaterArgs,
    WaterBodyIn,
    WaterBodySchema,
    WaterLedgerArgs,
)

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1",
                description="Campaigns: anti-drowning seasons, anti-bullying terms and others offices define")


def _require_office():
    actor = current_actor()
    if not actor.has_role(Role.admin, Role.safety_office):
        raise Forbidden()
    return actor


def _xlsx(data: bytes, name: str) -> Response:
    return Response(data, mimetype=exports.XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})


# --- campaigns, tasks, progress -------------------------------------------------------------------------

@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.arguments(CampaignArgs, location="query")
    @blp.response(200, page_of(CampaignSchema))
    def get(self, args):
        """Campaign runs the caller's schools take part in: open ones first, newest first"""
        return paginate(runs.visible_campaigns(current_actor(), args), args)


@blp.route("/campaigns/<int:campaign_id>")
class CampaignOne(MethodView):
    @blp.response(200, CampaignSchema)
    def get(self, campaign_id):
        """One campaign run with its required activities"""
        return runs.get_campaign(current_actor(), campaign_id)


@blp.route("/campaigns/<int:campaign_id>/progress")
class CampaignProgress(MethodView):
    @blp.arguments(ProgressArgs, location="query")
    @blp.response(200, ProgressSchema)
    def get(self, args, campaign_id):
        """How far schools have got: per school, per district and overall (per class with school_id)"""
        actor = current_actor()
        campaign = runs.get_campaign(actor, campaign_id)
        schools = runs.scoped_schools(actor, args)
        return progress(campaign, schools, now(), school_id=args.get("school_id"))


@blp.route("/campaigns/<int:campaign_id>/tasks")
class CampaignTasks(MethodView):
    @blp.arguments(TaskArgs, location="query")
    @blp.response(200, page_of(TaskSchema))
    def get(self, args, campaign_id):
        """What schools owe in this campaign, soonest due first"""
        actor = current_actor()
        return paginate(runs.visible_tasks(actor, runs.get_campaign(actor, campaign_id), args), args)


@blp.route("/campaigns/<int:campaign_id>/activities")
class CampaignActivities(MethodView):
    @blp.arguments(ActivityArgs, location="query")
    @blp.response(200, page_of(ActivitySchema))
    def get(self, args, campaign_id):
        """Reported activities, newest first; `flagged=true` lists those with doubts about their evidence"""
        actor = current_actor()
        page = paginate(activities.visible_activities(actor, runs.get_campaign(actor, campaign_id), args), args)
        page["items"] = [activities.present_activity(a) for a in page["items"]]
        return page

    @blp.arguments(ActivityIn)
    @blp.response(201, ActivitySchema)
    def post(self, data, campaign_id):
        """Report an activity (school, activity, class, counts, photo_ids): its task is done; doubts are flagged"""
        actor = current_actor()
        return activities.report_activity(actor, runs.get_campaign(actor, campaign_id), data)


@blp.route("/campaigns/<int:campaign_id>/ledger.xlsx")
class CampaignLedger(MethodView):
    @blp.arguments(LedgerArgs, location="query")
    @blp.response(200, description="The campaign ledger: a row per school, a sheet per activity",
                  content_type=exports.XLSX)
    def get(self, args, campaign_id):
        """The campaign's ledger for the office's schools (or one region of them), as XLSX"""
        actor = _require_office()
        campaign = runs.get_campaign(actor, campaign_id)
        schools = runs.scoped_schools(actor, args, Capability.oversee)
        return _xlsx(exports.campaign_ledger_xlsx(campaign, schools), f"campaign-{campaign.id}-ledger.xlsx")


# --- parent letters and receipts ------------------------------------------------------------------------

@blp.route("/campaigns/<int:campaign_id>/letters")
class CampaignLetters(MethodView):
    @blp.arguments(LetterPageArgs, location="query")
    @blp.response(200, page_of(LetterSchema))
    def get(self, args, campaign_id):
        """A school's parent letters: per class its receipt code's address and receipts so far"""
        actor = current_actor()
        campaign = runs.get_campaign(actor, campaign_id)
        school = require_school(actor, args["school_id"], Capability.manage)
        return paginate_list(receipts.school_letters(campaign, school), args)


@blp.route("/campaigns/<int:campaign_id>/letters.pdf")
class CampaignLetterLabels(MethodView):
    @blp.arguments(LetterLabelArgs, location="query")
    @blp.response(200, description="Receipt QR stickers for the letters (300 dpi PDF)", content_type="application/pdf")
    def get(self, args, campaign_id):
        """Print a school's receipt codes: one sticker per student (the class's code), for its letters"""
        actor = current_actor()
        campaign = runs.get_campaign(actor, campaign_id)
        school = require_school(actor, args["school_id"], Capability.manage)
        pdf = receipts.letters_pdf(receipts.school_letters(campaign, school), args["template"], per_student=True)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="receipt-codes-{school.code}.pdf"',
            "Cache-Control": "no-store"})


@blp.route("/campaigns/<int:campaign_id>/classes/<int:class_id>/paper-receipts")
class PaperReceipts(MethodView):
    @blp.arguments(PaperReceiptsIn)
    @blp.response(200, LetterSchema)
    def put(self, data, campaign_id, class_id):
        """Signed paper slips collected for a class (the count replaces the last one)"""
        actor = current_actor()
        campaign = runs.get_campaign(actor, campaign_id)
        letter = receipts.get_letter(actor, campaign, class_id, Capability.manage)
        receipts.set_paper_receipts(actor, letter, data["count"])
        return next(row for row in receipts.school_letters(campaign, letter.school) if row["id"] == letter.id)


@blp.route("/campaigns/<int:campaign_id>/classes/<int:class_id>/receipts")
class ClassReceipts(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(ReceiptSchema))
    def get(self, args, campaign_id, class_id):
        """Who confirmed a class's letter online (the school's and offices' eyes only)"""
        actor = current_actor()
        campaign = runs.get_campaign(actor, campaign_id)
        return paginate_list(receipts.receipts_of(receipts.get_letter(actor, campaign, class_id, Capability.manage)),
                             args)


@blp.route("/public/receipts/<string:receipt_token>")
@public
class PublicReceipt(MethodView):
    @blp.doc(security=[])
    @blp.response(200, PublicLetterSchema)
    def get(self, receipt_token):
        """What a parent's scan opens: the letter's school, class and campaign"""
        return receipts.public_view(receipts.letter_by_token(receipt_token), confirmed=False)

    @blp.doc(security=[], operationId="campaigns_public_receipt_confirm")
    @blp.arguments(PublicReceiptIn)
    @blp.response(200, PublicLetterSchema)
    def post(self, data, receipt_token):
        """A parent confirms the letter for their child (name or student number). One receipt per child; a repeat
        is a no-op with the same answer, so nothing is revealed about other children. Rate limited."""
        letter = receipts.confirm_from_public(receipt_token, data["child"], data["signer"])
        return receipts.public_view(letter, confirmed=True)


# --- anti-bullying --------------------------------------------------------------------------------------

@blp.route("/schools/<int:school_id>/bullying-committee")
class Committee(MethodView):
    @blp.response(200, MemberSchema(many=True))
    def get(self, school_id):
        """The school's bullying-prevention committee: members and their roles"""
        return committee.committee(require_school(current_actor(), school_id))

    @blp.arguments(MemberIn)
    @blp.response(201, MemberSchema)
    def post(self, data, school_id):
        """Add a member (the school's principal or an office)"""
        actor = current_actor()
        return committee.add_member(actor, require_school(actor, school_id), data)


@blp.route("/schools/<int:school_id>/bullying-committee/composition")
class CommitteeComposition(MethodView):
    @blp.response(200, CompositionSchema)
    def get(self, school_id):
        """Whether the committee is complete: chaired by the principal, with staff, parents, community or outside
        experts, and a student representative where the school type needs one"""
        return committee.composition(require_school(current_actor(), school_id))


@blp.route("/bullying-committee/<int:member_id>")
class CommitteeMemberOne(MethodView):
    @blp.response(204)
    def delete(self, member_id):
        """A member leaves the committee (kept on record)"""
        actor = current_actor()
        committee.remove_member(actor, committee.get_member(actor, member_id))


@blp.route("/campaigns/<int:campaign_id>/incidents")
class Incidents(MethodView):
    @blp.arguments(IncidentArgs, location="query")
    @blp.response(200, page_of(IncidentSchema))
    def get(self, args, campaign_id):
        """The incident log of the campaign: only the principal's own school and the offices' schools"""
        actor = current_actor()
        return paginate(log.visible_incidents(actor, runs.get_campaign(actor, campaign_id), args), args)

    @blp.arguments(IncidentIn)
    @blp.response(201, IncidentSchema)
    def post(self, data, campaign_id):
        """Log a suspected bullying incident (principal or office)"""
        actor = current_actor()
        return log.report_incident(actor, runs.get_campaign(actor, campaign_id), data)


@blp.route("/bullying-incidents/<int:incident_id>")
class IncidentOne(MethodView):
    @blp.response(200, IncidentSchema)
    def get(self, incident_id):
        """One incident with its handling history"""
        return log.get_incident(current_actor(), incident_id)


@blp.route("/bullying-incidents/<int:incident_id>/status")
class IncidentStatusChange(MethodView):
    @blp.arguments(IncidentStatusIn)
    @blp.response(200, IncidentSchema)
    def post(self, data, incident_id):
        """Move an incident on its clock: investigating, determined (confirmed or not), appealed (the district
        office, within the appeal window), determined again after the district's review, handled (measures as
        flags), closed"""
        actor = current_actor()
        incident = log.get_incident(actor, incident_id)
        return log.change_status(actor, incident, data["status"], data)


# --- definitions ----------------------------------------------------------------------------------------

@blp.route("/campaign-definitions")
class Definitions(MethodView):
    @blp.arguments(DefinitionArgs, location="query")
    @blp.response(200, page_of(DefinitionSchema))
    def get(self, args):
        """Campaign definitions in force for the caller: shipped ones and their regions' own"""
        definitions.sync_default_definitions()  # zero set-up: the shipped ones exist from the first look
        return paginate(definitions.visible_definitions(current_actor(), args), args)

    @blp.arguments(DefinitionIn)
    @blp.response(201, DefinitionSchema)
    def post(self, data):
        """An office defines a campaign for its region (a shipped code replaces the shipped one there)"""
        return definitions.create_definition(current_actor(), data)


@blp.route("/campaign-definitions/<int:definition_id>")
class DefinitionOne(MethodView):
    @blp.response(200, DefinitionSchema)
    def get(self, definition_id):
        """One definition"""
        return definitions.get_definition(current_actor(), definition_id)

    @blp.arguments(DefinitionPatch)
    @blp.response(200, DefinitionSchema)
    def patch(self, data, definition_id):
        """Change names, season, margins or switch it off (the region's office; shipped ones: admins)"""
        actor = current_actor()
        return definitions.update_definition(actor, definitions.get_definition(actor, definition_id), data)


# --- the dangerous-waters ledger ------------------------------------------------------------------------

@blp.route("/water-bodies")
class WaterBodies(MethodView):
    @blp.arguments(WaterArgs, location="query")
    @blp.response(200, page_of(WaterBodySchema))
    def get(self, args):
        """Water-body points with their ledger facts (risk grade, responsible person)"""
        page = paginate(waters.visible_water_bodies(current_actor(), args), args)
        page["items"] = [waters.present(p, w) for p, w in waters.with_ledgers(page["items"])]
        return page


@blp.route("/water-bodies/equipment")
class WaterEquipment(MethodView):
    @blp.response(200, EquipmentSchema(many=True))
    def get(self):
        """The rescue equipment a ledger may record, with each item's source"""
        current_actor()
        return list(equipment.equipment())


@blp.route("/map.geojson")
class DangerMap(MethodView):
    @blp.arguments(WaterLedgerArgs, location="query")
    @blp.response(200, FeatureCollectionSchema, content_type=geo.MEDIA_TYPE,
                  description="A GeoJSON FeatureCollection (RFC 7946): schools, points and water bodies")
    def get(self, args):
        """The danger map of the caller's schools: each school, point and water body (with its ledger facts)"""
        return geo.response(geo.map_features(current_actor(), args))


@blp.route("/water-bodies/<int:point_id>")
class WaterBodyOne(MethodView):
    @blp.response(200, WaterBodySchema)
    def get(self, point_id):
        """One water body's ledger facts"""
        return waters.present(*waters.get_water_body(current_actor(), point_id))

    @blp.arguments(WaterBodyIn)
    @blp.response(200, WaterBodySchema)
    def patch(self, data, point_id):
        """Keep the ledger facts of a water body (the school's principal or an office)"""
        actor = current_actor()
        point, ledger = waters.get_water_body(actor, point_id)
        return waters.present(point, waters.update_ledger(actor, point, ledger, data))


@blp.route("/water-bodies/ledger.xlsx")
class WaterLedger(MethodView):
    @blp.arguments(WaterLedgerArgs, location="query")
    @blp.response(200, description="The dangerous-waters ledger (危险水域台账)", content_type=exports.XLSX)
    def get(self, args):
        """The dangerous-waters ledger of the office's schools, as XLSX"""
        actor = _require_office()
        points = db.session.scalars(waters.visible_water_bodies(actor, args, Capability.oversee)).all()
        return _xlsx(exports.water_ledger_xlsx(waters.with_ledgers(points)), "dangerous-waters-ledger.xlsx")
