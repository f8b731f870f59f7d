"""Tickets (обращения): what subscribers and guests ask, and everything that follows.

Topics carry their rules as data (need an account or an address, a formal
claim, a technician visit may follow, the SLA and the default queue). A ticket's
history is stored as rows: ``Message`` (public replies, the subscriber's own
messages, internal notes) and ``TicketEvent`` (status changes and other steps).
"""

import secrets
import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from accounts.models import (
    ClientCategory,
    Consent,
    Language,
    PersonalAccount,
    ReplyChannel,
    ServiceType,
    Subscriber,
    SubscriberOwnedQuerySet,
)
from portal.i18n import TranslatedNameMixin


class SpecialistQueue(TranslatedNameMixin, models.Model):
    """A team of specialists that works one kind of tickets (Internet, Billing, …).

    Tickets are routed to a queue; its agents work them in the support desk and
    its supervisors hear about missed deadlines. The level places the queue on
    the escalation chain: first line → profile specialists → field technicians
    (per city) → line technicians.
    """

    class Level(models.TextChoices):
        FIRST_LINE = "first_line", _("first line")
        PROFILE = "profile", _("profile specialists")
        FIELD = "field", _("field technicians")
        LINE = "line", _("line technicians")
        BACK_OFFICE = "back_office", _("back office")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name in Russian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.BACK_OFFICE
    )
    service_types = models.ManyToManyField(
        ServiceType,
        verbose_name=_("service types"),
        blank=True,
        help_text=_(
            "Profile specialists: the services they take escalations for. Empty: any."
        ),
    )
    city = models.CharField(
        _("city"),
        max_length=100,
        blank=True,
        help_text=_("Field technicians: the city they serve. Empty: any city."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="QueueMembership",
        verbose_name=_("members"),
        blank=True,
        related_name="specialist_queues",
    )
    is_active = models.BooleanField(_("working"), default=True)

    class Meta:
        verbose_name = _("specialist queue")
        verbose_name_plural = _("specialist queues")
        ordering = ["name"]

    def __str__(self):
        return self.display_name


class QueueMembership(models.Model):
    """A support employee in a queue: an agent works its tickets, a supervisor
    also hears about missed deadlines."""

    class Role(models.TextChoices):
        AGENT = "agent", _("agent")
        SUPERVISOR = "supervisor", _("supervisor")

    queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="queue_memberships",
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.AGENT
    )

    class Meta:
        verbose_name = _("queue member")
        verbose_name_plural = _("queue members")
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "user"], name="queue_membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.queue}: {self.user} ({self.get_role_display()})"


class Category(TranslatedNameMixin, models.Model):
    """A group of topics shown together in the feedback form."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name in Russian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic category")
        verbose_name_plural = _("topic categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.display_name


class TopicQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(is_active=True).select_related("category")


class Topic(TranslatedNameMixin, models.Model):
    """What a ticket is about, with the rules that apply to it."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="topics",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name in Russian"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    service_types = models.ManyToManyField(
        ServiceType,
        verbose_name=_("service types"),
        blank=True,
        help_text=_("Leave empty if the topic applies to every service."),
    )
    needs_account_or_address = models.BooleanField(
        _("needs an account number or a connection address"),
        default=False,
        help_text=_("Such tickets cannot be processed without one of them."),
    )
    is_claim = models.BooleanField(
        _("formal claim"),
        default=False,
        help_text=_(
            "A claim under the law on communications: the subscriber states "
            "demands and the form of the answer."
        ),
    )
    visit_possible = models.BooleanField(
        _("a technician visit may follow"), default=False
    )
    sla_first_response_days = models.PositiveSmallIntegerField(
        _("first response within, working days"), default=1
    )
    sla_resolution_days = models.PositiveSmallIntegerField(
        _("resolution within, days"), default=10
    )
    sla_calendar_days = models.BooleanField(
        _("resolution counted in calendar days"),
        default=False,
        help_text=_("Claims: 30 calendar days from registration."),
    )
    default_queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("default queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["category__order", "order", "name"]

    def __str__(self):
        return self.display_name


class Priority(models.IntegerChoices):
    LOW = 10, _("low")
    NORMAL = 20, _("normal")
    HIGH = 30, _("high")
    URGENT = 40, _("urgent")


class RoutingRule(models.Model):
    """Where tickets go: the first active rule (in order) that matches wins.

    Empty conditions match anything. A rule that names no client category
    applies to individuals only: legal entities go to business support unless
    a rule names them. Keywords match whole words of the ticket's text.
    """

    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    service_type = models.ForeignKey(
        ServiceType,
        verbose_name=_("service type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, null=True, blank=True
    )
    client_category = models.CharField(
        _("client category"),
        max_length=16,
        choices=ClientCategory.choices,
        blank=True,
    )
    city = models.CharField(_("city of the account"), max_length=100, blank=True)
    region = models.CharField(_("region of the account"), max_length=100, blank=True)
    keywords = models.CharField(
        _("keywords in the text"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; any one of them matches. Empty: any text."),
    )
    queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class WorkCalendarDay(models.Model):
    """An exception to the production calendar: a moved day off or working day.

    Without a row, a day is working unless it is a Saturday, a Sunday or a
    public holiday of Russia (the ``holidays`` package).
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("production calendar day")
        verbose_name_plural = _("production calendar days")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}"


class TicketCounter(models.Model):
    """The last ticket number issued in a year (numbers look like 2026-0001234).

    On PostgreSQL the function ``ticket_number_next(year)`` (migration 0016)
    issues the next number in the very INSERT that saves the ticket.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class NextTicketNumber(models.Func):
    """The year's next ticket number, issued by the database as the row is
    inserted (PostgreSQL): the number and the ticket are one statement, so a
    failed insert takes no number."""

    function = "ticket_number_next"
    output_field = models.CharField()

    def __init__(self, year: int):
        super().__init__(models.Value(year))


class TicketNumberField(models.CharField):
    """The ticket number, read back from the INSERT that saves the ticket.

    A number issued by the database (``NextTicketNumber``) reaches the
    instance through the INSERT's RETURNING clause, as a ``db_default`` does.
    """

    @property
    def db_returning(self):
        return connection.features.can_return_columns_from_insert


class CallTime(models.TextChoices):
    """When a subscriber who asked for a call prefers to be called (local time)."""

    ANY = "", _("any time, 9:00–21:00")
    MORNING = "morning", _("in the morning, 9:00–12:00")
    DAY = "day", _("in the afternoon, 12:00–17:00")
    EVENING = "evening", _("in the evening, 17:00–21:00")


def call_time_field():
    """When to call: the subscriber's choice on the ticket and its call-back."""
    return models.CharField(
        _("when to call"),
        max_length=8,
        choices=CallTime.choices,
        blank=True,
        default=CallTime.ANY,
        db_default=CallTime.ANY,
    )


class TicketQuerySet(SubscriberOwnedQuerySet):
    def open(self):
        return self.exclude(status__in=Ticket.CLOSED_STATUSES)

    def for_staff(self, user):
        """The tickets an employee may see in the support desk.

        Managers (``view_all_tickets``) and superusers see every ticket; an
        agent the tickets of their queues; a supervisor also those escalated
        out of the queues they supervise. Anybody else: none.
        """
        if not user.is_active or not user.is_staff:
            return self.none()
        if user.is_superuser or user.has_perm("tickets.view_all_tickets"):
            return self
        memberships = list(
            QueueMembership.objects.filter(user=user).values_list("queue_id", "role")
        )
        visible = models.Q(queue__in=[queue for queue, _role in memberships])
        supervised = [
            queue
            for queue, role in memberships
            if role == QueueMembership.Role.SUPERVISOR
        ]
        if supervised:
            # Only supervisors pay for this: it keeps the planner off the
            # (queue, deadline) index.
            escalated = TicketEvent.objects.filter(
                ticket=models.OuterRef("pk"),
                kind=TicketEvent.Kind.ESCALATED,
                from_queue__in=supervised,
            )
            visible |= models.Exists(escalated)
        return self.filter(visible)

    def with_list_data(self):
        return self.select_related("topic", "service_type")


class Ticket(models.Model):
    """A subscriber's or a guest's ticket."""

    class Status(models.TextChoices):
        NEW = "new", _("received")
        REGISTERED = "registered", _("registered")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING_CUSTOMER = "waiting_customer", _("waiting for your reply")
        ESCALATED = "escalated", _("passed to a specialist")
        VISIT_SCHEDULED = "visit_scheduled", _("technician visit scheduled")
        LINE_WORKS = "line_works", _("works on the line")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", pgettext_lazy("ticket status", "closed")

    Priority = Priority

    class ClaimAnswerForm(models.TextChoices):
        PAPER = "paper", _("on paper, by post")
        ELECTRONIC = "electronic", _("electronic document with a simple e-signature")

    CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)

    number = TicketNumberField(_("number"), max_length=20, unique=True)
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        help_text=_("Empty for a guest's ticket."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    client_category = models.CharField(
        _("client category"), max_length=16, choices=ClientCategory.choices
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service type"), on_delete=models.PROTECT
    )
    service_number = models.CharField(_("service number"), max_length=64, blank=True)
    account = models.ForeignKey(
        PersonalAccount,
        verbose_name=_("personal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    account_number = models.CharField(_("account number"), max_length=32, blank=True)
    connection_address = models.CharField(
        _("connection address"), max_length=255, blank=True
    )
    # The account's city when routed: reports group and filter by it.
    city = models.CharField(_("city"), max_length=100, blank=True, db_default="")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT)
    body = models.TextField(_("text"))
    claim_demands = models.TextField(_("claim demands"), blank=True)
    claim_answer_form = models.CharField(
        _("form of the answer to the claim"),
        max_length=16,
        choices=ClaimAnswerForm.choices,
        blank=True,
    )
    reply_channel = models.CharField(
        _("reply channel"), max_length=8, choices=ReplyChannel.choices
    )
    language = models.CharField(
        _("language of the letters"),
        max_length=8,
        choices=Language.choices,
        default=Language.RUSSIAN,
    )
    contact_name = models.CharField(_("contact name"), max_length=255)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = PhoneNumberField(_("contact phone"), blank=True)
    callback_time = call_time_field()
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    first_response_due = models.DateTimeField(
        _("first response due"), null=True, blank=True
    )
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("next deadline"),
        null=True,
        blank=True,
        help_text=_(
            "The first response's deadline until there is one, then the "
            "resolution's; none once resolved or closed."
        ),
    )
    planned_fix_date = models.DateField(_("planned fix date"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    routing_requested_at = models.DateTimeField(
        _("routing last requested"),
        null=True,
        blank=True,
        help_text=_("When the routing task was last published for this ticket."),
    )
    first_response_breached_at = models.DateTimeField(
        _("first response deadline missed"), null=True, blank=True
    )
    resolution_breached_at = models.DateTimeField(
        _("resolution deadline missed"), null=True, blank=True
    )
    visit_starts_at = models.DateTimeField(_("visit from"), null=True, blank=True)
    visit_ends_at = models.DateTimeField(_("visit until"), null=True, blank=True)
    visit_address = models.CharField(_("visit address"), max_length=255, blank=True)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    access_token = models.CharField(
        _("private link token"),
        max_length=64,
        unique=True,
        default=secrets.token_urlsafe,
        editable=False,
    )
    submission_key = models.UUIDField(
        _("submission key"),
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("Makes a double-clicked send create one ticket."),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(
        _("times reopened"), default=0, db_default=0
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        permissions = [
            ("view_all_tickets", _("Can see the tickets of every queue")),
        ]
        indexes = [
            models.Index(fields=["subscriber", "-created_at"]),
            # The sweeper looks for tickets still waiting for routing.
            models.Index(
                fields=["created_at"],
                condition=Q(routed_at__isnull=True),
                name="ticket_waiting_for_routing",
            ),
            # The desk lists a queue's tickets by their next deadline.
            models.Index(fields=["queue", "due_at"], name="ticket_queue_due"),
            models.Index(fields=["due_at"], name="ticket_due"),
            # Reports: tickets done (resolved, or closed without) by day.
            models.Index(Coalesce("resolved_at", "closed_at"), name="ticket_done_at"),
            # The desk's search by account number, e-mail or phone.
            models.Index(fields=["account_number"], name="ticket_account_number"),
            models.Index(Upper("contact_email"), name="ticket_contact_email_upper"),
            models.Index(fields=["contact_phone"], name="ticket_contact_phone"),
            # The SLA watch looks for open tickets without a first response.
            models.Index(
                fields=["first_response_due"],
                condition=Q(
                    first_response_at__isnull=True,
                    first_response_breached_at__isnull=True,
                ),
                name="ticket_first_response_watch",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("tickets:detail", kwargs={"number": self.number})

    def get_private_url(self):
        return reverse("tickets:guest", kwargs={"token": self.access_token})

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    def next_due(self):
        """The deadline support works to now (kept in ``due_at`` for the desk)."""
        if not self.is_open:
            return None
        if self.first_response_at is None:
            return self.first_response_due
        return self.resolution_due

    @property
    def can_be_rated(self) -> bool:
        """An answer is rated once, after support resolved the ticket."""
        return self.resolved_at is not None and self.rating is None

    def history_start(self) -> list["TicketEvent"]:
        """The first entries of the ticket's history, read from the ticket
        itself rather than stored as events: received from its author and
        handed to routing, both when it was filed. Unsaved; ``pk`` 0 sorts
        them before stored events of the same moment."""
        Kind = TicketEvent.Kind
        received = TicketEvent(
            pk=0,
            ticket=self,
            kind=Kind.CREATED,
            to_status=self.Status.NEW,
            created_at=self.created_at,
        )
        if Ticket.author.is_cached(self):
            received.actor = self.author
        else:
            received.actor_id = self.author_id
        waiting = TicketEvent(
            pk=0, ticket=self, kind=Kind.ROUTING_PENDING, created_at=self.created_at
        )
        return [received, waiting]

    def history(self, *, leave_out=()) -> list["TicketEvent"]:
        """The whole history in order: the entries read from the ticket, then
        the stored events, without the kinds in ``leave_out``."""
        stored = self.events.select_related("actor", "from_queue").exclude(
            kind__in=[*TicketEvent.FROM_THE_TICKET, *leave_out]
        )
        return [*self.history_start(), *stored]


def attachment_path(instance, filename):
    """Store every upload under a generated name: the typed name is never a path.

    Files are grouped by the month of the upload; they are written before the
    row (and a new ticket) is saved.
    """
    return f"tickets/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"


class Message(models.Model):
    """One message in a ticket's conversation, or an internal note of staff."""

    class Kind(models.TextChoices):
        SUBSCRIBER = "subscriber", _("from the subscriber")
        REPLY = "reply", _("reply of support")
        NOTE = "note", _("internal note")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.ticket}: {self.get_kind_display()}"

    @property
    def note_display(self) -> str:
        """The note as shown; a missed deadline's clock in the reader's language."""
        if self.kind == self.Kind.SLA_BREACHED:
            clocks = {
                "first_response": _("first response"),
                "resolution": _("resolution"),
            }
            return clocks.get(self.note, self.note)
        return self.note

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


class Attachment(models.Model):
    """A file attached to a ticket or to one of its messages.

    Files live under the private MEDIA_ROOT with generated names and are
    served only through a view that checks access.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse(
            "tickets:attachment",
            kwargs={"number": self.ticket.number, "pk": self.pk},
        )


class TicketEvent(models.Model):
    """A step in a ticket's history: who did what, and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("ticket received")
        ROUTING_PENDING = "routing_pending", _("waiting for routing to a specialist")
        ROUTED = "routed", _("passed to the specialists")
        ESCALATED = "escalated", _("escalated")
        MOVED = "moved", _("moved to another queue")
        VISIT_SCHEDULED = "visit_scheduled", _("technician visit scheduled")
        SLA_BREACHED = "sla_breached", _("deadline missed")
        ASSIGNED = "assigned", _("taken by a specialist")
        CALLBACK = "callback", _("call-back")
        STATUS = "status", _("status changed")
        MESSAGE = "message", _("message added")
        REOPENED = "reopened", _("reopened")
        CLOSED = "closed", pgettext_lazy("ticket event", "closed")
        RATED = "rated", _("answer rated")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Ticket.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=Ticket.Status.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    from_queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("from the queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Escalation: the queue the ticket left."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    # Read from the ticket (Ticket.history_start), no longer stored; rows of
    # these kinds written before (or by a process not yet updated) are skipped.
    FROM_THE_TICKET = (Kind.CREATED, Kind.ROUTING_PENDING)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.ticket}: {self.get_kind_display()}"


class GuestAccessCode(models.Model):
    """A one-time code sent to a guest's contact to open a ticket by its number."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("guest access code")
        verbose_name_plural = _("guest access codes")

    def __str__(self):
        return f"{self.ticket}: {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One message about one event to one recipient by one channel: sent once.

    ``key`` names the (ticket, event, channel, recipient); the unique index
    makes a second attempt to queue the same message a no-op, and the sender
    locks the row and sends only what is not yet sent.
    """

    class Event(models.TextChoices):
        RECEIVED = "received", _("ticket received")
        REPLY = "reply", _("specialist's reply")
        STATUS = "status", _("status changed")
        SLA_BREACH = "sla_breach", _("deadline missed")
        QUEUE_DIGEST = "queue_digest", _("new tickets in the queue")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("queue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.RUSSIAN
    )
    context = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(
        _("last queued"),
        null=True,
        blank=True,
        help_text=_("When a sending was last published or scheduled."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=Q(status="pending"),
                name="notification_pending",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient}"


class Callback(models.Model):
    """A call the queue owes a subscriber who asked to be answered by phone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to call")
        REACHED = "reached", _("reached")
        NOT_REACHED = "not_reached", _("not reached")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    queue = models.ForeignKey(
        SpecialistQueue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    phone = PhoneNumberField(_("phone"))
    preferred_time = call_time_field()
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(status="pending"),
                name="callback_one_pending_per_ticket",
            ),
        ]

    def __str__(self):
        return f"{self.ticket}: {self.phone}"


class CannedReply(models.Model):
    """A ready answer agents start from; placeholders are filled per ticket.

    ``{name}`` the subscriber's name, ``{number}`` the ticket number,
    ``{agent}`` the agent's name, ``{due}`` the resolution deadline.
    """

    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {name} the subscriber, {number} the ticket, {agent} "
            "you, {due} the resolution deadline."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["order", "title"]

    def __str__(self):
        return self.title
