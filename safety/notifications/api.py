from flask.views import MethodView

from ..core.auth import current_actor
from ..core.pagination import paginate
from ..core.parsing import Blueprint
from ..core.schemas import PageArgs, page_of
from . import services
from .schemas import (
    InboxPageSchema,
    MarkedSchema,
    NotificationArgs,
    NotificationSchema,
    PreferenceIn,
    PreferenceSchema,
    WebhookCreatedSchema,
    WebhookIn,
    WebhookSchema,
    WebhookUpdateIn,
)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="The caller's notifications, notification preferences, group-robot webhooks")


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, InboxPageSchema)
    def get(self, args):
        """The caller's own notifications, newest first, in the request's language, with the unread count"""
        actor = current_actor()
        page = paginate(services.visible_notifications(actor, args), args)
        return {**page, "items": services.present(page["items"]), "unread_count": services.unread_count(actor)}


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one of the caller's notifications read (again: no change)"""
        actor = current_actor()
        notification = services.get_notification(actor, notification_id)
        services.mark_read(actor, [notification.id])
        return services.present([notification])[0]


@blp.route("/notifications/read-all")
class NotificationsReadAll(MethodView):
    @blp.response(200, MarkedSchema)
    def post(self):
        """Mark every notification of the caller read"""
        actor = current_actor()
        return {"marked": services.mark_read(actor), "unread_count": services.unread_count(actor)}


@blp.route("/notifications/preferences")
class Preferences(MethodView):
    @blp.response(200, PreferenceSchema)
    def get(self):
        """How the caller hears of notifications (in the app always; e-mail at once or as a daily digest)"""
        return services.get_preference(current_actor())

    @blp.arguments(PreferenceIn)
    @blp.response(200, PreferenceSchema)
    def patch(self, data):
        """Change e-mail on/off, daily digest on/off, kinds never e-mailed"""
        return services.update_preference(current_actor(), data)


@blp.route("/webhooks")
class Webhooks(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(WebhookSchema))
    def get(self, args):
        """Group robots of the regions the caller oversees and the schools the caller manages"""
        return paginate(services.visible_webhooks(current_actor()), args)

    @blp.arguments(WebhookIn)
    @blp.response(201, WebhookCreatedSchema)
    def post(self, data):
        """Add a group robot (generic signed JSON, WeCom or DingTalk) for a region or a school"""
        return services.create_webhook(current_actor(), data)


@blp.route("/webhooks/<int:webhook_id>")
class WebhookDetail(MethodView):
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id):
        """One group robot in the caller's scope"""
        return services.get_webhook(current_actor(), webhook_id)

    @blp.arguments(WebhookUpdateIn)
    @blp.response(200, WebhookSchema)
    def patch(self, data, webhook_id):
        """Change its address, secret, format, kinds or switch it off"""
        actor = current_actor()
        return services.update_webhook(actor, services.get_webhook(actor, webhook_id), data)

    @blp.response(204)
    def delete(self, webhook_id):
        """Remove it; posts still waiting for it are dropped"""
        actor = current_actor()
        services.delete_webhook(actor, services.get_webhook(actor, webhook_id))

