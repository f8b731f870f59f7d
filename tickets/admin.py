"""Tickets and their reference data in the admin.

The agents' desk (queues per agent, actions, replies) is built on this by the
desk issue; here staff can see tickets and managers edit topics and queues.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Attachment,
    Callback,
    Category,
    Message,
    Notification,
    QueueMembership,
    RoutingRule,
    SpecialistQueue,
    Ticket,
    TicketEvent,
    Topic,
    WorkCalendarDay,
)
from .services import notification_resend, ticket_status_change


class QueueMembershipInline(admin.TabularInline):
    model = QueueMembership
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 1


@admin.register(SpecialistQueue)
class SpecialistQueueAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "level", "city", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "name_en", "code", "city")
    filter_horizontal = ("service_types",)
    fields = ("code", "name", "name_en", "level", "service_types", "city", "is_active")
    inlines = (QueueMembershipInline,)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Ordered rules: the first active one that matches a ticket decides."""

    list_display = (
        "order",
        "name",
        "topic",
        "service_type",
        "client_category",
        "city",
        "region",
        "keywords",
        "queue",
        "priority",
        "is_active",
    )
    list_display_links = ("name",)
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "queue", "topic", "service_type", "client_category")
    search_fields = ("name", "keywords", "city", "region")
    list_select_related = ("topic", "service_type", "queue")
    fieldsets = (
        (None, {"fields": ("name", "order", "is_active")}),
        (
            _("When the ticket has"),
            {
                "fields": (
                    "topic",
                    "service_type",
                    "client_category",
                    "city",
                    "region",
                    "keywords",
                ),
                "description": _(
                    "Empty conditions match any ticket. A rule without a client "
                    "category is for individuals: legal entities go to business "
                    "support unless a rule names them."
                ),
            },
        ),
        (_("Then"), {"fields": ("queue", "priority")}),
    )


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working", "note")
    list_filter = ("is_working",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every message the portal sent or tried to send; failed ones with the error."""

    list_display = (
        "created_at",
        "event",
        "channel",
        "recipient",
        "ticket",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "event", "channel")
    search_fields = ("=ticket__number", "recipient")
    list_select_related = ("ticket",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "key",
        "ticket",
        "queue",
        "event",
        "channel",
        "recipient",
        "language",
        "context",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "sent_at",
    )
    actions = ("resend",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the failed ones again"))
    def resend(self, request, queryset):
        count = notification_resend(
            notification_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued again.",
                "%(count)d notifications queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "ticket", "queue", "phone", "status", "attempts")
    list_filter = ("status", "queue")
    search_fields = ("=ticket__number", "phone")
    list_select_related = ("ticket", "queue")
    readonly_fields = ("ticket", "queue", "phone", "created_at")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "order")
    list_editable = ("order",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "needs_account_or_address",
        "is_claim",
        "visit_possible",
        "sla_first_response_days",
        "sla_resolution_days",
        "default_queue",
        "is_active",
    )
    list_filter = ("category", "is_claim", "needs_account_or_address", "is_active")
    search_fields = ("name", "name_en", "code")
    list_select_related = ("category", "default_queue")
    filter_horizontal = ("service_types",)
    fieldsets = (
        (
            None,
            {"fields": ("category", "code", "name", "name_en", "order", "is_active")},
        ),
        (
            _("Rules"),
            {
                "fields": (
                    "service_types",
                    "needs_account_or_address",
                    "is_claim",
                    "visit_possible",
                    "default_queue",
                )
            },
        ),
        (
            _("Deadlines"),
            {
                "fields": (
                    "sla_first_response_days",
                    "sla_resolution_days",
                    "sla_calendar_days",
                )
            },
        ),
    )


class MessageInline(admin.StackedInline):
    """The conversation, read-only: replies go through the desk's reply form."""

    model = Message
    fields = ("kind", "author", "body", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("created_at", "kind", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "created_at",
        "topic",
        "service_type",
        "client_category",
        "queue",
        "status",
        "reply_channel",
    )
    list_filter = (
        "status",
        "queue",
        "service_type",
        "client_category",
        "reply_channel",
    )
    search_fields = (
        "=number",
        "=account_number",
        "contact_email",
        "contact_phone",
        "contact_name",
    )
    list_select_related = ("topic", "service_type", "queue")
    date_hierarchy = "created_at"
    readonly_fields = (
        "number",
        "subscriber",
        "author",
        "client_category",
        "service_type",
        "service_number",
        "account",
        "account_number",
        "connection_address",
        "topic",
        "body",
        "claim_demands",
        "claim_answer_form",
        "reply_channel",
        "contact_name",
        "contact_email",
        "contact_phone",
        "consent",
        "created_at",
        "rating",
        "rating_comment",
        "routed_at",
        "first_response_due",
        "first_response_at",
        "first_response_breached_at",
        "resolution_due",
        "resolution_breached_at",
        "visit_starts_at",
        "visit_ends_at",
        "visit_address",
    )
    fieldsets = (
        (
            None,
            {"fields": ("number", "status", "priority", "queue", "planned_fix_date")},
        ),
        (
            _("Subscriber"),
            {
                "fields": (
                    "subscriber",
                    "author",
                    "client_category",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "reply_channel",
                    "consent",
                )
            },
        ),
        (
            _("Request"),
            {
                "fields": (
                    "service_type",
                    "service_number",
                    "account",
                    "account_number",
                    "connection_address",
                    "topic",
                    "body",
                    "claim_demands",
                    "claim_answer_form",
                )
            },
        ),
        (
            _("Deadlines"),
            {
                "fields": (
                    "routed_at",
                    "first_response_due",
                    "first_response_at",
                    "first_response_breached_at",
                    "resolution_due",
                    "resolution_breached_at",
                    "visit_starts_at",
                    "visit_ends_at",
                    "visit_address",
                )
            },
        ),
        (_("Rating"), {"fields": ("rating", "rating_comment", "created_at")}),
    )
    inlines = (MessageInline, AttachmentInline, TicketEventInline)

    def has_add_permission(self, request):
        # Tickets are filed through the feedback form, which checks them.
        return False

    def save_model(self, request, obj, form, change):
        status = obj.status
        if "status" in form.changed_data:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if obj.status != status:
            ticket_status_change(ticket=obj, status=status, actor=request.user)
            obj.refresh_from_db()
