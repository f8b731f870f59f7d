"""Tickets and their reference data in the admin.

The agents' desk (queues per agent, actions, replies) is built on this by the
desk issue; here staff can see tickets and managers edit topics and queues.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Attachment,
    Category,
    Message,
    SpecialistQueue,
    Ticket,
    TicketEvent,
    Topic,
)
from .services import ticket_status_change


@admin.register(SpecialistQueue)
class SpecialistQueueAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "is_active")
    search_fields = ("name", "name_en", "code")


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
