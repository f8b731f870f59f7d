"""The support desk: tickets, their reference data and routing in the admin.

Each employee sees the tickets of their queues (``Ticket.objects.for_staff``);
the ticket list is ordered by the next deadline, the actions and the reply
form call the services. Managers edit topics, queues, rules and the calendar.
"""

import datetime
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.validators import account_number_normalise, russian_phone_normalise
from portal.admin_dates import DateHierarchyGuardMixin
from portal.admin_rows import local_datetime
from portal.pagination import EstimatedCountPaginator
from portal.params import ascii_int

from .forms import DeskCallbackForm, DeskReplyForm, DeskVisitForm
from .models import (
    Attachment,
    Callback,
    CannedReply,
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
from .services import (
    STATUS_TRANSITIONS,
    TicketError,
    callback_record,
    canned_reply_render,
    desk_reference,
    notification_resend,
    ticket_assign,
    ticket_escalate,
    ticket_move,
    ticket_reply_create,
    ticket_status_change,
    ticket_take,
    ticket_visit_schedule,
    ticket_zone,
)

User = get_user_model()


class VisibleOr404Mixin:
    """A row outside the employee's queryset is 404 on every page of it,
    not the admin's redirect with "does not exist"."""

    def _visible_or_404(self, request, object_id):
        # get_object: None for another queue's row and for a malformed id.
        if (
            object_id is not None
            and self.get_object(request, unquote(object_id)) is None
        ):
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._visible_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


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


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("title", "body")


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(DateHierarchyGuardMixin, admin.ModelAdmin):
    list_display = ("date", "is_working", "note")
    list_filter = ("is_working",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(DateHierarchyGuardMixin, VisibleOr404Mixin, admin.ModelAdmin):
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

    def get_queryset(self, request):
        # The notifications of the tickets this employee sees (digests: none,
        # unless they see every ticket).
        queryset = super().get_queryset(request)
        if request.user.is_superuser or request.user.has_perm(
            "tickets.view_all_tickets"
        ):
            return queryset
        return queryset.filter(ticket__in=Ticket.objects.for_staff(request.user))

    def has_resend_permission(self, request):
        # Whoever works tickets (agents, supervisors, administrators); not the
        # managers, who only read.
        return request.user.has_perm("tickets.change_ticket")

    @admin.action(description=_("Send the failed ones again"), permissions=["resend"])
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


class OwnQueueFilter(admin.RelatedFieldListFilter):
    """The queue filter offers only the queues whose tickets the user sees."""

    def field_choices(self, field, request, model_admin):
        queues = SpecialistQueue.objects.all()
        if not (
            request.user.is_superuser
            or request.user.has_perm("tickets.view_all_tickets")
        ):
            queues = queues.filter(memberships__user=request.user)
        return [(queue.pk, str(queue)) for queue in queues.distinct()]


@admin.register(Callback)
class CallbackAdmin(VisibleOr404Mixin, admin.ModelAdmin):
    """The call-back list: whom to call, how often they were tried, the outcome."""

    list_display = (
        "created_at",
        "ticket",
        "queue",
        "phone",
        "preferred_time",
        "status",
        "attempts",
        "note",
    )
    list_filter = ("status", "preferred_time", ("queue", OwnQueueFilter))
    search_fields = ("=ticket__number", "phone")
    list_select_related = ("ticket", "queue")
    # The outcome is recorded by the actions and the ticket page (attempts,
    # the SMS after the last one, the ticket's status), never typed in here.
    readonly_fields = (
        "ticket",
        "queue",
        "phone",
        "preferred_time",
        "status",
        "attempts",
        "note",
        "created_at",
        "done_at",
    )
    ordering = ("status", "created_at")
    actions = ("reached", "not_reached")

    def has_add_permission(self, request):
        return False

    def _record(self, request, queryset, *, reached):
        counted = sum(
            callback_record(callback_id=pk, agent=request.user, reached=reached)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d call recorded.", "%(count)d calls recorded.", counted)
            % {"count": counted},
            messages.SUCCESS if counted else messages.WARNING,
        )

    @admin.action(description=_("Called: reached"), permissions=["change"])
    def reached(self, request, queryset):
        self._record(request, queryset, reached=True)

    @admin.action(
        description=_(
            "Called: not reached (after three tries the subscriber gets an SMS)"
        ),
        permissions=["change"],
    )
    def not_reached(self, request, queryset):
        self._record(request, queryset, reached=False)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(ticket__in=Ticket.objects.for_staff(request.user))
        )


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


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("mine", _("mine")), ("none", _("unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee=None)
        return queryset


class SlaStateFilter(admin.SimpleListFilter):
    """On time, due soon (within ``PORTAL_SLA_DUE_SOON_HOURS``) or breached."""

    title = _("deadline")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [
            ("breached", _("breached")),
            ("soon", _("due soon")),
            ("on_time", _("on time")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        soon = now + datetime.timedelta(hours=settings.PORTAL_SLA_DUE_SOON_HOURS)
        if self.value() == "breached":
            return queryset.filter(due_at__lt=now)
        if self.value() == "soon":
            return queryset.filter(due_at__gte=now, due_at__lt=soon)
        if self.value() == "on_time":
            return queryset.filter(due_at__gte=soon)
        return queryset


def sla_state(ticket) -> str:
    if ticket.due_at is None:
        return ""
    now = timezone.now()
    if ticket.due_at < now:
        return "breached"
    soon = now + datetime.timedelta(hours=settings.PORTAL_SLA_DUE_SOON_HOURS)
    return "soon" if ticket.due_at < soon else "on_time"


SLA_LABELS = {
    "breached": _("breached"),
    "soon": _("due soon"),
    "on_time": _("on time"),
}


TICKET_NUMBER = re.compile(r"[A-Za-z]?\d{4}-\d{7,8}")


def _version(ticket_updated_at) -> str:
    return ticket_updated_at.isoformat() if ticket_updated_at else ""


# How far from today an agent may set the planned fix date.
PLANNED_FIX_PAST_DAYS = 30
PLANNED_FIX_FUTURE_DAYS = 366


class TicketDeskForm(forms.ModelForm):
    """The ticket form of the desk; it notices a change made meanwhile.

    The page carries the ticket's version (when it last changed). If someone
    else changed the ticket since, saving is refused with a warning, and the
    form keeps what this agent typed; saving again means "mine over theirs".
    """

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = ("status", "priority", "queue", "planned_fix_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = _version(self.instance.updated_at)
        if "queue" in self.fields:
            queue = self.fields["queue"]
            if self.instance.queue_id is None:
                # Routing gives the first queue; the desk moves it afterwards.
                queue.disabled = True
                queue.help_text = _("Set by routing.")
            else:
                # A routed ticket keeps a queue: moved, never dropped.
                queue.required = True
                queue.queryset = SpecialistQueue.objects.filter(
                    Q(is_active=True) | Q(pk=self.instance.queue_id)
                )
        if "planned_fix_date" in self.fields:
            today = timezone.localdate()
            self.fields["planned_fix_date"].widget.attrs.update(
                min=(today - datetime.timedelta(days=PLANNED_FIX_PAST_DAYS)).isoformat()
            )

    def clean_planned_fix_date(self):
        value = self.cleaned_data.get("planned_fix_date")
        if value is None or value == self.initial.get("planned_fix_date"):
            return value
        today = timezone.localdate()
        if not (
            today - datetime.timedelta(days=PLANNED_FIX_PAST_DAYS)
            <= value
            <= today + datetime.timedelta(days=PLANNED_FIX_FUTURE_DAYS)
        ):
            raise forms.ValidationError(
                _("Give a date from 30 days ago to a year ahead."), code="date_range"
            )
        return value

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        current = _version(
            Ticket.objects.filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if data.get("seen_version") and data["seen_version"] != current:
            self.data = self.data.copy()
            self.data["seen_version"] = current  # the next save overwrites
            raise forms.ValidationError(
                _(
                    "Someone changed this ticket after you opened it. Open it in "
                    "another tab to see their changes; save again to keep yours."
                ),
                code="changed_meanwhile",
            )
        return data


@admin.register(Ticket)
class TicketAdmin(VisibleOr404Mixin, admin.ModelAdmin):
    """The support desk: each employee sees the tickets of their queues.

    The restriction (``Ticket.objects.for_staff``) holds for the list, search,
    filters, actions and every page of a ticket: another queue's ticket is 404.
    """

    list_display = (
        "number",
        "created_at",
        "topic",
        "service_type",
        "client_category",
        "queue",
        "status",
        "priority",
        "assignee",
        "deadline",
        "reply_channel",
    )
    list_filter = (
        "status",
        ("queue", OwnQueueFilter),
        "priority",
        SlaStateFilter,
        AssigneeFilter,
        "topic",
        "service_type",
        "client_category",
        "reply_channel",
    )
    form = TicketDeskForm
    # The rows written in one piece each (see portal.admin_rows).
    change_list_template = "admin/fast_change_list.html"
    # No COUNT(*) over the whole table per page view (see portal.pagination).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    actions = (
        "take",
        "assign",
        "mark_in_progress",
        "mark_waiting_customer",
        "mark_resolved",
        "mark_closed",
        "escalate",
    )
    search_fields = (
        "=number",
        "=account_number",
        "contact_email",
        "contact_phone",
        "contact_name",
    )
    # Topic, service type and queue come from the kept reference snapshot.
    list_select_related = ("assignee",)
    # The next deadline first; tickets without one (resolved, closed) last.
    ordering = (F("due_at").asc(nulls_last=True), "-created_at")
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
        "callback_time",
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
            {
                "fields": (
                    "number",
                    "status",
                    "priority",
                    "queue",
                    "planned_fix_date",
                    "seen_version",
                )
            },
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
                    "callback_time",
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

    @admin.display(description=_("deadline"), ordering="due_at")
    def deadline(self, ticket):
        state = sla_state(ticket)
        if not state:
            return "—"
        return format_html(
            '<span class="sla-date">{}</span> <span class="sla sla-{}">{}</span>',
            local_datetime(ticket.due_at),
            state,
            SLA_LABELS[state],
        )

    def related_objects(self, name):
        """The list's reference columns by id, without a join (portal.admin_rows)."""
        return desk_reference().get(name)

    def get_search_results(self, request, queryset, search_term):
        """Search by what the agent typed: a ticket number, a personal account
        number, an e-mail or a phone finds by its index; other words by the
        name and the text (slower on a large desk)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if TICKET_NUMBER.fullmatch(term):
            return queryset.filter(number=term.upper()), False
        if "@" in term:
            return queryset.filter(contact_email__iexact=term), False
        try:
            return queryset.filter(account_number=account_number_normalise(term)), False
        except ValidationError:
            pass
        try:
            return queryset.filter(contact_phone=russian_phone_normalise(term)), False
        except ValidationError:
            pass
        words = Q()
        for word in term.split()[:5]:
            # PostgreSQL compares in upper case, through the trigram indexes
            # (migration 0013). SQLite folds the case of Latin letters only:
            # there, try the usual forms.
            spellings = (
                {word}
                if connection.vendor == "postgresql"
                else {word, word.lower(), word.capitalize(), word.upper()}
            )
            matches = Q()
            for form in spellings:
                matches |= Q(contact_name__icontains=form) | Q(body__icontains=form)
            words &= matches
        return queryset.filter(words), False

    def has_delete_permission(self, request, obj=None):
        # A ticket is history: it is closed, never deleted from the desk.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

    class Media:
        css = {"all": ("tickets/desk.css",)}
        js = ("tickets/desk.js",)

    def get_urls(self):
        desk = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(getattr(self, f"{name}_view")),
                name=f"tickets_ticket_{name}",
            )
            for name in ("reply", "visit", "callback")
        ]
        return [*desk, *super().get_urls()]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context.update(
                {
                    key: value
                    for key, value in self._desk_context(request, obj).items()
                    if key not in context  # a form sent back with its errors
                }
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def _desk_context(self, request, ticket):
        """The subscriber card, the whole conversation and the desk's forms."""
        subscriber = ticket.subscriber
        accounts = (
            subscriber.accounts.prefetch_related(
                "services__service_type", "services__tariff"
            )
            if subscriber
            else []
        )
        earlier = (
            Ticket.objects.for_staff(request.user)
            .filter(subscriber=subscriber)
            .exclude(pk=ticket.pk)
            .select_related("topic")
            .order_by("-created_at")[:5]
            if subscriber
            else []
        )
        history = sorted(
            [
                *ticket.messages.select_related("author"),
                *ticket.history(leave_out=[TicketEvent.Kind.MESSAGE]),
            ],
            key=lambda item: (item.created_at, item.pk),
        )
        replies = [
            (reply, canned_reply_render(reply=reply, ticket=ticket, agent=request.user))
            for reply in CannedReply.objects.filter(is_active=True)
        ]
        callback = ticket.callbacks.filter(status=Callback.Status.PENDING).first()
        return {
            "desk_ticket": ticket,
            "desk_accounts": accounts,
            "desk_earlier": earlier,
            "desk_history": history,
            "desk_canned": replies,
            "desk_can_reply": self.has_change_permission(request, ticket),
            "desk_reply_form": DeskReplyForm(ticket=ticket),
            "desk_visit_form": DeskVisitForm(ticket=ticket),
            "desk_time_zone": ticket_zone(ticket).key,
            "desk_callback": callback,
            "desk_callback_form": DeskCallbackForm(ticket=ticket),
        }

    def _desk_post(self, request, object_id, form_class, form_name, act):
        """Handle a form of the ticket page: ``act(ticket, cleaned_data)`` calls
        the service and returns the message of success. With an error, the page
        comes back with the form as typed and the message beside it."""
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:  # another queue's ticket, or no ticket at all
            raise Http404
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        change_url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        if request.method != "POST":
            return redirect(change_url)
        form = form_class(request.POST, ticket=ticket)
        if form.is_valid():
            try:
                done = act(ticket, form.cleaned_data)
            except TicketError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, done, messages.SUCCESS)
                if not self.get_queryset(request).filter(pk=ticket.pk).exists():
                    # It left the employee's queues (escalated): back to the list.
                    return redirect("admin:tickets_ticket_changelist")
                return redirect(change_url)
        # What is not about a field (the service refused) is said at the top.
        for error in form.non_field_errors() or [_("Please correct the errors below.")]:
            self.message_user(request, error, messages.ERROR)
        request.method = "GET"  # show the page, do not save its main form
        return self.change_view(
            request,
            str(ticket.pk),
            form_url=change_url,
            extra_context={form_name: form},
        )

    def reply_view(self, request, object_id):
        """Support's public reply (the subscriber is told) or internal note."""

        def reply(ticket, data):
            ticket_reply_create(
                ticket=ticket,
                agent=request.user,
                body=data["body"],
                internal=data["internal"],
            )
            if data["internal"]:
                return _("The note is saved.")
            return _("The reply is sent to the subscriber.")

        return self._desk_post(
            request, object_id, DeskReplyForm, "desk_reply_form", reply
        )

    def visit_view(self, request, object_id):
        """Schedule a technician visit (escalating to the technicians) or move it."""

        def schedule(ticket, data):
            ticket_visit_schedule(
                ticket=ticket,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                address=data["address"],
                note=data["note"],
            )
            return _("The visit is scheduled; the subscriber is told.")

        return self._desk_post(
            request, object_id, DeskVisitForm, "desk_visit_form", schedule
        )

    def callback_view(self, request, object_id):
        """Record a call to the subscriber: reached or not reached."""

        def record(ticket, data):
            callback = ticket.callbacks.filter(status=Callback.Status.PENDING).first()
            if callback is None or not callback_record(
                callback_id=callback.pk,
                agent=request.user,
                reached=data["reached"],
                note=data["note"],
            ):
                raise TicketError(
                    _("This ticket has no call to make any more."), code="no_callback"
                )
            return _("The call is recorded.")

        return self._desk_post(
            request, object_id, DeskCallbackForm, "desk_callback_form", record
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "status" in form.base_fields:
            # Only the moves support may make from the ticket's status.
            allowed = {obj.status, *STATUS_TRANSITIONS.get(obj.status, ())}
            form.base_fields["status"].choices = [
                choice for choice in Ticket.Status.choices if choice[0] in allowed
            ]
        return form

    def _each(self, request, queryset, change, done_message):
        """Apply ``change`` to each ticket; report what was done and what not."""
        done, refused = 0, []
        for ticket in queryset:
            try:
                change(ticket)
            except TicketError as error:
                refused.append(f"{ticket.number}: {error.message}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for line in refused[:10]:
            self.message_user(request, line, messages.WARNING)

    def _status_action(self, request, queryset, status):
        self._each(
            request,
            queryset.exclude(status=status),
            lambda ticket: ticket_status_change(
                ticket=ticket, status=status, actor=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d ticket is now “%(status)s”.",
                    "%(count)d tickets are now “%(status)s”.",
                    count,
                )
                % {"count": count, "status": Ticket.Status(status).label}
            ),
        )

    @admin.action(description=_("Status: in progress"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._status_action(request, queryset, Ticket.Status.IN_PROGRESS)

    @admin.action(
        description=_("Status: waiting for the subscriber"), permissions=["change"]
    )
    def mark_waiting_customer(self, request, queryset):
        self._status_action(request, queryset, Ticket.Status.WAITING_CUSTOMER)

    @admin.action(description=_("Status: resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._status_action(request, queryset, Ticket.Status.RESOLVED)

    @admin.action(description=_("Close"), permissions=["change"])
    def mark_closed(self, request, queryset):
        self._status_action(request, queryset, Ticket.Status.CLOSED)

    @admin.action(
        description=_("Escalate to the next level"),
        permissions=["change"],
    )
    def escalate(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda ticket: ticket_escalate(ticket=ticket, actor=request.user),
            lambda count: (
                ngettext(
                    "%(count)d ticket escalated.", "%(count)d tickets escalated.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Assign to an agent of the queue…"), permissions=["change"]
    )
    def assign(self, request, queryset):
        queue_ids = set(queryset.values_list("queue_id", flat=True))
        agents = (
            User.objects.filter(
                is_active=True, queue_memberships__queue_id__in=queue_ids
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        agent_id = ascii_int(request.POST.get("agent"))
        if "apply" in request.POST and agent_id is not None:
            agent = agents.filter(pk=agent_id).first()
            if agent is not None:
                count = ticket_assign(tickets=queryset, agent=agent, actor=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d ticket assigned to %(name)s.",
                        "%(count)d tickets assigned to %(name)s.",
                        count,
                    )
                    % {"count": count, "name": agent.get_full_name() or agent},
                    messages.SUCCESS if count else messages.WARNING,
                )
                return None
        return TemplateResponse(
            request,
            "admin/tickets/ticket/assign.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign tickets"),
                "opts": self.model._meta,
                "tickets": queryset,
                "agents": agents,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Take: assign to me"), permissions=["change"])
    def take(self, request, queryset):
        taken = ticket_take(tickets=queryset, agent=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d ticket is now yours.",
                "%(count)d tickets are now yours.",
                taken,
            )
            % {"count": taken},
            messages.SUCCESS if taken else messages.WARNING,
        )

    def response_change(self, request, obj):
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            # Moved out of the employee's queues: the list, not a 404.
            self.message_user(
                request,
                _("Ticket %(number)s is now in “%(queue)s”.")
                % {"number": obj.number, "queue": obj.queue},
                messages.SUCCESS,
            )
            return redirect("admin:tickets_ticket_changelist")
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        status, queue = obj.status, obj.queue
        if "status" in form.changed_data:
            obj.status = form.initial["status"]
        if change and "queue" in form.changed_data:
            obj.queue_id = form.initial["queue"]
        super().save_model(request, obj, form, change)
        if queue is not None and obj.queue_id != queue.pk:
            ticket_move(ticket=obj, queue=queue, actor=request.user)
            obj.refresh_from_db()
        if obj.status != status:
            try:
                ticket_status_change(ticket=obj, status=status, actor=request.user)
            except TicketError as error:
                self.message_user(request, error.message, messages.ERROR)
            obj.refresh_from_db()
