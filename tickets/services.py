"""What happens to tickets: filing, messages, closing, rating, guest access.

Views, the admin, tasks and tests call these functions; forms only validate.
"""

import datetime
import hashlib
import hmac
import logging
import re
import secrets
import smtplib
import zoneinfo
from collections import OrderedDict
from contextlib import nullcontext

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    Consent,
    Language,
    PersonalAccount,
    ReplyChannel,
    ServiceType,
)
from accounts.services import ClientInfo, consent_record
from offices.models import City
from portal.mail import mail_send
from portal.refcache import reference
from portal.sms import sms_send
from portal.throttle import throttle_counts, throttle_counts_once, throttle_hit

from .files import InspectedFile
from .models import (
    Attachment,
    Callback,
    Category,
    GuestAccessCode,
    Message,
    NextTicketNumber,
    Notification,
    QueueMembership,
    SpecialistQueue,
    Ticket,
    TicketCounter,
    TicketEvent,
    Topic,
)
from .routing import deadlines, route_choose

logger = logging.getLogger(__name__)

GUEST_CODE_TTL = datetime.timedelta(minutes=15)
GUEST_CODE_ATTEMPTS = 5


class TicketError(Exception):
    """A ticket action that cannot be done; the message is for the subscriber."""

    def __init__(self, message, *, code):
        super().__init__(message)
        self.message = message
        self.code = code


# Filing ------------------------------------------------------------------------


@reference(watch=(Topic, Category))
def topics_offered() -> dict[int, Topic]:
    """The topics of the feedback form by primary key, in the form's order.

    Each carries its category and ``service_type_ids``, the service types it
    is limited to (empty: any). Kept in memory (see portal.refcache): read
    the objects, never change them.
    """
    topics = (
        Topic.objects.offered()
        .prefetch_related("service_types")
        .order_by("category__order", "category__name", "order", "name")
    )
    offered = {}
    for topic in topics:
        topic.service_type_ids = frozenset(
            item.pk for item in topic.service_types.all()
        )
        offered[topic.pk] = topic
    return offered


@reference(watch=(Topic, ServiceType, SpecialistQueue))
def desk_reference() -> dict[str, dict[int, object]]:
    """Every topic, service type and queue by id, active or not: the desk's
    list names them without joining their tables."""
    return {
        "topic": Topic.objects.in_bulk(),
        "service_type": ServiceType.objects.in_bulk(),
        "queue": SpecialistQueue.objects.in_bulk(),
    }


def ticket_number_next(*, year: int) -> str:
    """Issue the year's next number, such as 2026-0001234.

    Called in the transaction that saves the ticket: the number is taken with
    the ticket (a failed submission leaves no gap), and the counter row stays
    locked until that commit. On PostgreSQL the ticket's own INSERT issues its
    number instead (``ticket_number_for``); this is the embedded database's way.
    """
    table = TicketCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last"  # noqa: S608 - the table name is ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
    if row is None:
        TicketCounter.objects.get_or_create(year=year)
        return ticket_number_next(year=year)
    return f"{year}-{row[0]:07d}"


def ticket_number_for(year: int):
    """The number to save a new ticket with: on PostgreSQL an expression that
    the INSERT itself evaluates (one statement, read back by RETURNING); on
    the embedded database a number taken now, in the ticket's transaction."""
    if connection.vendor == "postgresql":
        return NextTicketNumber(year)
    return ticket_number_next(year=year)


def ticket_submission_allowed(
    *, ip_address: str, user=None, submission_key=None
) -> bool:
    """Count a submission; say whether the address and account are within the limit.

    A form sent again with the same ``submission_key`` (a double click, a
    resend after a lost answer) makes no new ticket and is not counted again.
    """
    limit, period = settings.PORTAL_TICKET_LIMIT
    keys = [("ticket-ip", ip_address or "unknown")]
    if user is not None and user.is_authenticated:
        keys.append(("ticket-user", str(user.pk)))
    if submission_key is None:
        return all(count <= limit for count in throttle_counts(keys, period=period))
    seen_key = f"ticket-submission:{submission_key}"
    counts = throttle_counts_once(seen_key, keys, period=period)
    if counts is None:  # sent before
        return True
    if any(count > limit for count in counts):
        cache.delete(seen_key)  # refused: sending it again is counted again
        return False
    return True


def ticket_message_allowed(*, ticket: Ticket) -> bool:
    """Count a message to the ticket; say whether it is within the limit."""
    limit, period = settings.PORTAL_TICKET_MESSAGE_LIMIT
    who = str(ticket.pk)
    return throttle_hit(scope="ticket-message", who=who, limit=limit, period=period)


def _attachments_write(files: list[InspectedFile]) -> list[Attachment]:
    """Write the files to storage under generated names; return unsaved rows.

    Done before the transaction that saves the rows, so that no lock waits
    for a disk; a file already written is removed if a later one fails.
    """
    written = []
    try:
        for item in files:
            attachment = Attachment(
                original_name=item.name,
                content_type=item.content_type,
                size=item.size,
            )
            attachment.file.save(item.name, item.upload, save=False)
            written.append(attachment)
    except Exception:
        _attachments_discard(written)
        raise
    return written


def _attachments_discard(written: list[Attachment]) -> None:
    """Remove the files of rows that were never saved (a failed transaction)."""
    for attachment in written:
        attachment.file.delete(save=False)


def _attachments_save(written: list[Attachment], *, ticket, message=None) -> None:
    for attachment in written:
        attachment.ticket = ticket
        attachment.message = message
    Attachment.objects.bulk_create(written)


def _attachments_store(*, ticket, files: list[InspectedFile], message=None):
    written = _attachments_write(files)
    try:
        _attachments_save(written, ticket=ticket, message=message)
    except Exception:
        _attachments_discard(written)
        raise
    return written


def _event(ticket, kind, *, actor=None, from_status="", to_status="", note=""):
    return TicketEvent.objects.create(
        **_event_fields(ticket, kind, actor, from_status, to_status, note)
    )


def _event_fields(ticket, kind, actor=None, from_status="", to_status="", note=""):
    return {
        "ticket": ticket,
        "kind": kind,
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
    }


def ticket_create(
    *,
    author,
    submission_key,
    client: ClientInfo,
    files: list[InspectedFile] = (),
    **data,
) -> tuple[Ticket, bool]:
    """File a ticket with its attachments in one transaction.

    ``author`` is the signed-in user (their subscriber owns the ticket) or an
    anonymous user (a guest: the consent is recorded). The same
    ``submission_key`` twice (a double-clicked send) returns the first ticket.
    The ticket waits for routing; the acknowledgement is sent after the
    commit. Return the ticket and whether it is new.
    """
    written = _attachments_write(files)
    authenticated = author is not None and author.is_authenticated
    signed_in = authenticated and author.subscriber_id is not None
    # A subscriber's ticket without files is one INSERT on PostgreSQL (its
    # number included): that statement is its own transaction. Otherwise the
    # consent, the ticket and its files commit together (and inside a
    # caller's transaction, a savepoint keeps a failed insert to itself).
    alone = (
        connection.vendor == "postgresql"
        and signed_in
        and not written
        and not connection.in_atomic_block
    )
    try:
        with nullcontext() if alone else transaction.atomic():
            ticket = _ticket_create(
                author=author,
                signed_in=signed_in,
                submission_key=submission_key,
                client=client,
                attachments=written,
                data=data,
            )
    except Exception as exc:
        _attachments_discard(written)
        if isinstance(exc, IntegrityError):
            # The other click of a double click won the race.
            existing = Ticket.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing, False
        raise
    return ticket, True


def _ticket_create(*, author, signed_in, submission_key, client, attachments, data):
    # Users without a subscriber (staff) file like guests do.
    authenticated = author is not None and author.is_authenticated
    account = None
    if data.get("account_number") and signed_in:
        account = (
            PersonalAccount.objects.for_user(author)
            .filter(number=data["account_number"])
            .first()
        )
    ticket = Ticket(
        number=ticket_number_for(timezone.localdate().year),
        submission_key=submission_key,
        author=author if authenticated else None,
        subscriber_id=author.subscriber_id if signed_in else None,
        account=account,
        ip_address=client.ip_address,
        routing_requested_at=timezone.now(),
        **data,
    )
    if not signed_in:
        ticket.consent = consent_record(
            user=None,
            purpose=Consent.Purpose.PERSONAL_DATA,
            given=True,
            client=client,
            email=data.get("contact_email", ""),
            phone=data.get("contact_phone", ""),
        )
    # The form checked the choices and the database enforces the unique
    # fields; what is left to check costs no query.
    ticket.full_clean(
        exclude=[
            "number",
            "access_token",
            "submission_key",
            "subscriber",
            "author",
            "service_type",
            "topic",
            "account",
            "queue",
            "consent",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    # Received and handed to routing: the history reads both from the ticket
    # (Ticket.history_start), so saving it is the whole record.
    ticket.save()
    _attachments_save(attachments, ticket=ticket)
    transaction.on_commit(lambda: ticket_route_publish(ticket_ids=[ticket.pk]))
    return ticket


# Routing -------------------------------------------------------------------------


def _publish(task, *args) -> bool:
    """Publish a task; a broker outage is logged, never raised: the sweepers retry.

    A web request that saved a ticket must answer even when Redis is down.
    """
    try:
        task.apply_async(args=args)
    except Exception:
        logger.warning(
            "could not publish %s%r; the sweeper will publish it again",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def ticket_route_publish(*, ticket_ids) -> int:
    """Hand tickets to the routing workers; return how many were published."""
    from .tasks import ticket_route_task

    return sum(_publish(ticket_route_task, pk) for pk in ticket_ids)


# Tickets this process routed as part of a batch (the most recent ones): the
# tasks of those tickets, which follow, need not ask the database. Routing is
# final, so a remembered ticket is routed for good.
_routed_here: OrderedDict[int, None] = OrderedDict()
ROUTED_HERE_MAX = 20_000


def _routed_remember(ids) -> None:
    for pk in ids:
        _routed_here[pk] = None
    while len(_routed_here) > ROUTED_HERE_MAX:
        _routed_here.popitem(last=False)


def routed_memory_clear() -> None:
    """Forget which tickets this process routed (tests, after a database reset)."""
    _routed_here.clear()


ROUTED_FIELDS = [
    "queue",
    "priority",
    "first_response_due",
    "resolution_due",
    "planned_fix_date",
    "status",
    "routed_at",
    "updated_at",
    "due_at",
    "city",
]


def ticket_route(*, ticket_id: int, batch: int | None = None) -> int:
    """Route a ticket that waits for routing, once; return how many were routed.

    Under row locks: choose the queue and priority by the rules, set the
    deadlines of the topic's SLA (and the planned fix date where a technician
    may come), record the event, put a phone reply on the queue's call-back
    list, and queue the acknowledgement to the subscriber. A ticket already
    routed (a message delivered twice, a sweeper's second publish) or gone is
    left alone: 0.

    A backlog (a flood, the sweeper after a broker outage) is drained in
    batches: with its own ticket the task takes up to ``batch`` − 1 other
    waiting tickets that nobody else holds (``PORTAL_ROUTING_BATCH``); their
    own tasks then find them routed and cost one query.
    """
    batch = settings.PORTAL_ROUTING_BATCH if batch is None else batch
    if ticket_id in _routed_here:
        return 0  # routed by an earlier batch of this process
    if not Ticket.objects.filter(pk=ticket_id, routed_at__isnull=True).exists():
        return 0  # done already (by an earlier batch): no lock, no transaction
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",), no_key=True)
        ticket = locked.select_related("topic", "account").filter(pk=ticket_id).first()
        if ticket is None or ticket.routed_at is not None:
            return 0
        tickets = [ticket]
        if batch > 1:
            tickets += (
                Ticket.objects.select_for_update(
                    of=("self",), no_key=True, skip_locked=True
                )
                .select_related("topic", "account")
                .filter(routed_at__isnull=True)
                .exclude(pk=ticket_id)
                .order_by("created_at")[: batch - 1]
            )
        now = timezone.now()
        events, callbacks, notifications = [], [], []
        for item in tickets:
            topic = item.topic
            route = route_choose(item, topic)
            item.queue = route.queue
            item.priority = route.priority
            item.first_response_due, item.resolution_due = deadlines(item, topic)
            if topic.visit_possible and item.planned_fix_date is None:
                item.planned_fix_date = timezone.localdate(item.resolution_due)
            previous = item.status
            if previous == Ticket.Status.NEW:
                item.status = Ticket.Status.REGISTERED
            item.routed_at = item.updated_at = now
            item.due_at = item.next_due()
            item.city = (item.account.city if item.account else "")[:100]
            events.append(
                TicketEvent(
                    ticket=item,
                    kind=TicketEvent.Kind.ROUTED,
                    from_status=previous,
                    to_status=item.status,
                    note=route.queue.name[:255],
                )
            )
            if item.reply_channel == ReplyChannel.PHONE and item.contact_phone:
                callbacks.append(
                    Callback(
                        ticket=item,
                        queue=route.queue,
                        phone=item.contact_phone,
                        preferred_time=item.callback_time,
                    )
                )
            notifications += _subscriber_notifications(
                item, Notification.Event.RECEIVED, ref=0
            )
        # Tickets of a batch mostly share their outcome (same queue, same
        # deadlines): one UPDATE per distinct outcome, not a CASE per row.
        outcomes: dict[tuple, list[int]] = {}
        for item in tickets:
            values = tuple(getattr(item, field) for field in ROUTED_FIELDS)
            outcomes.setdefault(values, []).append(item.pk)
        for values, pks in outcomes.items():
            Ticket.objects.filter(pk__in=pks).update(
                **dict(zip(ROUTED_FIELDS, values, strict=True))
            )
        TicketEvent.objects.bulk_create(events)
        Callback.objects.bulk_create(callbacks)
        created = Notification.objects.bulk_create(notifications)
        ids = [notification.pk for notification in created]
        transaction.on_commit(lambda: notification_publish(ids=ids))
        if len(tickets) > 1:
            routed = [item.pk for item in tickets]
            transaction.on_commit(lambda: _routed_remember(routed))
    return len(tickets)


def ticket_routing_sweep(*, now=None, batch: int = 1000) -> int:
    """Publish again the routing of tickets left waiting (a broker outage, a lost
    message). Return how many were published."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.PORTAL_ROUTING_RETRY_AFTER)
    ids = list(
        Ticket.objects.filter(routed_at__isnull=True, created_at__lt=cutoff)
        .filter(
            Q(routing_requested_at__isnull=True) | Q(routing_requested_at__lt=cutoff)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    Ticket.objects.filter(pk__in=ids).update(routing_requested_at=now)
    return ticket_route_publish(ticket_ids=ids)


# Following a ticket ----------------------------------------------------------------


@transaction.atomic
def ticket_message_add(
    *, ticket: Ticket, author, body: str, files: list[InspectedFile] = ()
) -> Message:
    """Add the subscriber's message; a resolved or closed ticket opens again."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    message = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.SUBSCRIBER,
        author=author if author is not None and author.is_authenticated else None,
        body=body,
    )
    _attachments_store(ticket=ticket, files=files, message=message)
    _event(ticket, TicketEvent.Kind.MESSAGE, actor=author)
    if not ticket.is_open:
        previous = ticket.status
        # A ticket closed before routing goes back to wait for routing.
        _status_save(
            ticket,
            Ticket.Status.IN_PROGRESS if ticket.queue_id else Ticket.Status.NEW,
        )
        _event(
            ticket,
            TicketEvent.Kind.REOPENED,
            actor=author,
            from_status=previous,
            to_status=ticket.status,
        )
    return message


@transaction.atomic
def ticket_reply_create(*, ticket: Ticket, agent, body: str, internal=False) -> Message:
    """Add support's public reply (the subscriber is told) or an internal note.

    The first public reply is the ticket's first response.
    """
    ticket = Ticket.objects.select_for_update(no_key=True).get(pk=ticket.pk)
    kind = Message.Kind.NOTE if internal else Message.Kind.REPLY
    message = Message.objects.create(ticket=ticket, kind=kind, author=agent, body=body)
    if internal:
        return message
    if ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        ticket.due_at = ticket.next_due()
        ticket.save(update_fields=["first_response_at", "due_at", "updated_at"])
    _event(ticket, TicketEvent.Kind.MESSAGE, actor=agent)
    _subscriber_notify(
        ticket,
        Notification.Event.REPLY,
        ref=message.pk,
        context={"message_id": message.pk},
    )
    return message


_PLACEHOLDER = re.compile(r"\{(name|number|agent|due)\}")


def canned_reply_render(*, reply, ticket: Ticket, agent) -> str:
    """The canned reply's text for this ticket, its placeholders filled."""
    due = ticket.resolution_due
    values = {
        "name": ticket.contact_name,
        "number": ticket.number,
        "agent": agent.get_full_name() or agent.get_username(),
        "due": date_format(timezone.localtime(due), "DATE_FORMAT") if due else "",
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], reply.body)


def ticket_assign(*, tickets, agent, actor) -> int:
    """Give tickets to ``agent``; only those of a queue the agent works in.

    A supervisor may hand a ticket from one agent to another. Return how many
    were assigned; each is an event with who assigned it.
    """
    queues = set(
        QueueMembership.objects.filter(user=agent, user__is_active=True).values_list(
            "queue_id", flat=True
        )
    )
    assigned = 0
    for pk in list(tickets.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(no_key=True)
                .filter(pk=pk, queue__in=queues)
                .exclude(status__in=Ticket.CLOSED_STATUSES)
                .first()
            )
            if ticket is None or ticket.assignee_id == agent.pk:
                continue
            ticket.assignee = agent
            ticket.save(update_fields=["assignee", "updated_at"])
            _event(
                ticket,
                TicketEvent.Kind.ASSIGNED,
                actor=actor,
                note=(agent.get_full_name() or agent.get_username())[:255],
            )
            assigned += 1
    return assigned


CALLBACK_ATTEMPTS = 3


def callback_record(*, callback_id: int, agent, reached: bool, note: str = "") -> bool:
    """Record the outcome of a call to the subscriber; return whether it counted.

    Reached: the call-back is done and is the ticket's first response if it
    had none. Not reached: one more attempt; after three the call-back is
    closed as not reached and the ticket waits for the subscriber, who is
    told by SMS. A call-back already done is left alone (False).
    """
    with transaction.atomic():
        callback = (
            Callback.objects.select_for_update()
            .filter(pk=callback_id, status=Callback.Status.PENDING)
            .first()
        )
        if callback is None:
            return False
        callback.attempts += 1
        if note:
            callback.note = note[:255]
        now = timezone.now()
        given_up = not reached and callback.attempts >= CALLBACK_ATTEMPTS
        if reached:
            callback.status = Callback.Status.REACHED
        elif given_up:
            callback.status = Callback.Status.NOT_REACHED
        if reached or given_up:
            callback.done_at = now
        callback.save(update_fields=["attempts", "note", "status", "done_at"])
        ticket = Ticket.objects.select_for_update(no_key=True).get(
            pk=callback.ticket_id
        )
        outcome = _("reached") if reached else _("not reached")
        _event(
            ticket,
            TicketEvent.Kind.CALLBACK,
            actor=agent,
            note=f"{outcome} ({callback.attempts}): {note}"[:255],
        )
        if reached and ticket.first_response_at is None:
            ticket.first_response_at = now
            ticket.due_at = ticket.next_due()
            ticket.save(update_fields=["first_response_at", "due_at", "updated_at"])
        if (
            given_up
            and ticket.status in STATUS_TRANSITIONS
            and (Ticket.Status.WAITING_CUSTOMER in STATUS_TRANSITIONS[ticket.status])
        ):
            # The status change tells the subscriber by SMS, with the link.
            ticket_status_change(
                ticket=ticket, status=Ticket.Status.WAITING_CUSTOMER, actor=agent
            )
    return True


def ticket_take(*, tickets, agent) -> int:
    """Assign unassigned open tickets to ``agent``; return how many they got.

    Each ticket is locked first and taken only if nobody has it: of two
    agents taking the same ticket at once, one gets it and the other is told
    that nothing was taken. A ticket just registered moves to "in progress"
    (the subscriber is told).
    """
    taken = 0
    for pk in list(tickets.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(no_key=True)
                .filter(pk=pk, assignee=None)
                .exclude(status__in=Ticket.CLOSED_STATUSES)
                .first()
            )
            if ticket is None:
                continue
            ticket.assignee = agent
            ticket.save(update_fields=["assignee", "updated_at"])
            _event(
                ticket,
                TicketEvent.Kind.ASSIGNED,
                actor=agent,
                note=(agent.get_full_name() or agent.get_username())[:255],
            )
            if ticket.status in (Ticket.Status.NEW, Ticket.Status.REGISTERED):
                ticket_status_change(
                    ticket=ticket, status=Ticket.Status.IN_PROGRESS, actor=agent
                )
            taken += 1
    return taken


TicketStatus = Ticket.Status
_WORKING = {
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_CUSTOMER,
    TicketStatus.RESOLVED,
    TicketStatus.CLOSED,
}
# Where support may move a ticket by hand. The escalation statuses are reached
# through ticket_escalate, "registered" only through routing.
STATUS_TRANSITIONS = {
    TicketStatus.NEW: _WORKING,
    TicketStatus.REGISTERED: _WORKING,
    TicketStatus.IN_PROGRESS: _WORKING - {TicketStatus.IN_PROGRESS},
    TicketStatus.WAITING_CUSTOMER: _WORKING - {TicketStatus.WAITING_CUSTOMER},
    TicketStatus.ESCALATED: _WORKING,
    TicketStatus.VISIT_SCHEDULED: _WORKING,
    TicketStatus.LINE_WORKS: _WORKING - {TicketStatus.WAITING_CUSTOMER},
    TicketStatus.RESOLVED: {TicketStatus.IN_PROGRESS, TicketStatus.CLOSED},
    TicketStatus.CLOSED: {TicketStatus.IN_PROGRESS},
}


@transaction.atomic
def ticket_status_change(*, ticket: Ticket, status: str, actor) -> Ticket:
    """Move the ticket to a status as support does, keeping its times and history.

    Only the moves of ``STATUS_TRANSITIONS`` are allowed (TicketError
    otherwise). Resolving records when; reopening clears it; each change is
    an event, and the subscriber is told.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.status
    if previous == status:
        return ticket
    if status not in STATUS_TRANSITIONS.get(previous, ()):
        raise TicketError(
            _('A ticket "%(from)s" cannot be moved to "%(to)s".')
            % {"from": TicketStatus(previous).label, "to": TicketStatus(status).label},
            code="transition",
        )
    _status_save(ticket, status)
    event = _event(
        ticket,
        TicketEvent.Kind.STATUS,
        actor=actor,
        from_status=previous,
        to_status=status,
    )
    if status not in (Ticket.Status.NEW, Ticket.Status.REGISTERED):
        _subscriber_notify(
            ticket, Notification.Event.STATUS, ref=event.pk, context={"status": status}
        )
    return ticket


def _status_save(ticket: Ticket, status: str) -> None:
    """Move a locked ticket to ``status``: resolving and closing record when;
    any other status reopens (a resolved or closed ticket counts a reopen)."""
    now = timezone.now()
    if status == Ticket.Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = now
    else:
        if not ticket.is_open:
            ticket.reopen_count += 1
        ticket.resolved_at = ticket.closed_at = None
    ticket.status = status
    ticket.due_at = ticket.next_due()
    ticket.save(
        update_fields=[
            "status",
            "resolved_at",
            "closed_at",
            "due_at",
            "reopen_count",
            "updated_at",
        ]
    )


@transaction.atomic
def ticket_close(*, ticket: Ticket, author) -> Ticket:
    """Close the ticket at the subscriber's request."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.CLOSED:
        raise TicketError(_("The ticket is already closed."), code="closed")
    previous = ticket.status
    ticket.status = Ticket.Status.CLOSED
    ticket.closed_at = timezone.now()
    ticket.due_at = None
    ticket.save(update_fields=["status", "closed_at", "due_at", "updated_at"])
    _event(
        ticket,
        TicketEvent.Kind.CLOSED,
        actor=author,
        from_status=previous,
        to_status=ticket.status,
    )
    return ticket


@transaction.atomic
def ticket_rate(*, ticket: Ticket, author, rating: int, comment: str) -> Ticket:
    """Store the rating of the answer: once, after the ticket is resolved."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.can_be_rated:
        raise TicketError(
            _("The answer can be rated once, after the ticket is resolved."),
            code="cannot_rate",
        )
    ticket.rating = rating
    ticket.rating_comment = comment
    ticket.rated_at = timezone.now()
    ticket.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _event(ticket, TicketEvent.Kind.RATED, actor=author, note=str(rating))
    return ticket


# Guests -----------------------------------------------------------------------------


def _code_hash(ticket: Ticket, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"{ticket.pk}:{code}".encode(),
        hashlib.sha256,
    ).hexdigest()


def _contact_matches(ticket: Ticket, contact: str) -> bool:
    from accounts.validators import russian_phone_normalise

    contact = contact.strip()
    if "@" in contact:
        return ticket.contact_email.lower() == contact.lower()
    try:
        return str(ticket.contact_phone) == russian_phone_normalise(contact)
    except ValidationError:  # not a phone number: it matches nothing
        return False


def guest_code_request(*, number: str, contact: str) -> None:
    """Queue a one-time code to the contact of a guest's ticket, if they match.

    Nothing tells the caller whether they did: the answer is the same and the
    sending happens in a worker, so neither the page nor its timing shows who
    filed which ticket.
    """
    from .tasks import guest_code_send_task

    ticket = Ticket.objects.filter(number=number.strip(), subscriber=None).first()
    if ticket is None or not _contact_matches(ticket, contact):
        return
    limit, period = settings.PORTAL_GUEST_CODE_LIMIT
    if not throttle_hit(
        scope="guest-code", who=ticket.number, limit=limit, period=period
    ):
        return
    channel = "email" if "@" in contact else "sms"
    guest_code_send_task.delay_on_commit(ticket.pk, channel)


def guest_code_send(*, ticket_id: int, channel: str) -> None:
    """Create a fresh code for the guest's ticket and send it by e-mail or SMS."""
    ticket = Ticket.objects.get(pk=ticket_id)
    code = f"{secrets.randbelow(10**6):06d}"
    GuestAccessCode.objects.create(ticket=ticket, code_hash=_code_hash(ticket, code))
    if channel == "email":
        mail_send(
            template="tickets/emails/guest_code",
            context={"ticket": ticket, "code": code},
            to=ticket.contact_email,
            language=ticket.language,
        )
    else:
        with translation.override(ticket.language):
            text = _(
                "Code to open ticket %(number)s: %(code)s. It works for 15 minutes."
            ) % {"number": ticket.number, "code": code}
        sms_send(phone=str(ticket.contact_phone), text=str(text))


@transaction.atomic
def guest_code_check(*, number: str, code: str) -> Ticket | None:
    """Return the guest's ticket if the code is right and fresh; else None.

    Only the latest code works, once, for 15 minutes, and five wrong tries
    spoil it (an older code does not take over: five tries per code in all).
    """
    ticket = Ticket.objects.filter(number=number.strip(), subscriber=None).first()
    if ticket is None:
        return None
    access = (
        GuestAccessCode.objects.select_for_update()
        .filter(ticket=ticket, used_at=None)
        .order_by("-created_at", "-pk")
        .first()
    )
    if (
        access is None
        or access.created_at < timezone.now() - GUEST_CODE_TTL
        or access.attempts >= GUEST_CODE_ATTEMPTS
    ):
        return None
    if not hmac.compare_digest(access.code_hash, _code_hash(ticket, code.strip())):
        access.attempts += 1
        access.save(update_fields=["attempts"])
        return None
    access.used_at = timezone.now()
    access.save(update_fields=["used_at"])
    return ticket


# Escalation ------------------------------------------------------------------------

Level = SpecialistQueue.Level
ESCALATION_CHAIN = (Level.FIRST_LINE, Level.PROFILE, Level.FIELD, Level.LINE)
ESCALATION_STATUS = {
    Level.PROFILE: Ticket.Status.ESCALATED,
    Level.FIELD: Ticket.Status.VISIT_SCHEDULED,
    Level.LINE: Ticket.Status.LINE_WORKS,
}


def _escalation_queue(ticket: Ticket, level: str) -> SpecialistQueue | None:
    queues = SpecialistQueue.objects.filter(level=level, is_active=True)
    if level == Level.PROFILE:
        own = queues.filter(service_types=ticket.service_type_id).first()
        return own or queues.filter(service_types=None).first()
    if level == Level.FIELD:
        city = ticket.account.city if ticket.account else ""
        if city:
            own = queues.filter(city__iexact=city.strip()).first()
            if own is not None:
                return own
        return queues.filter(city="").first()
    return queues.first()


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    actor,
    level: str | None = None,
    note: str = "",
    visit_starts_at=None,
    visit_ends_at=None,
    visit_address: str = "",
) -> Ticket:
    """Pass the ticket up the chain: first line → profile specialists → field
    technician visit (with its slot and address) → line technicians.

    ``level`` skips steps (straight to a visit); by default the next level.
    The ticket moves to that level's queue (for the service type; for the
    account's city), its status follows, the step is an event with who and
    when, and the subscriber is told. Raise TicketError when it cannot go.
    """
    ticket = (
        Ticket.objects.select_for_update(of=("self",), no_key=True)
        .select_related("queue", "account")
        .get(pk=ticket.pk)
    )
    if not ticket.is_open:
        raise TicketError(
            _("A resolved or closed ticket is not escalated."), code="closed"
        )
    current = ticket.queue.level if ticket.queue else Level.FIRST_LINE
    position = ESCALATION_CHAIN.index(current) if current in ESCALATION_CHAIN else 0
    if level is None:
        if position + 1 >= len(ESCALATION_CHAIN):
            raise TicketError(
                _("Line technicians are the last step of the chain."), code="last_level"
            )
        level = ESCALATION_CHAIN[position + 1]
    if level not in ESCALATION_STATUS or ESCALATION_CHAIN.index(level) <= position:
        raise TicketError(
            _("The ticket is already at this level or higher."), code="not_higher"
        )
    queue = _escalation_queue(ticket, level)
    if queue is None:
        raise TicketError(
            _("No working queue of %(level)s.") % {"level": Level(level).label},
            code="no_queue",
        )
    fields = ["queue", "status", "updated_at"]
    if level == Level.FIELD:
        address = (
            visit_address.strip()
            or ticket.connection_address
            or (ticket.account.address if ticket.account else "")
        )
        if not visit_starts_at or not visit_ends_at or visit_ends_at <= visit_starts_at:
            raise TicketError(
                _("A technician visit needs a slot: when it starts and ends."),
                code="visit_slot",
            )
        if not address:
            raise TicketError(
                _("A technician visit needs the address."), code="visit_address"
            )
        ticket.visit_starts_at, ticket.visit_ends_at = visit_starts_at, visit_ends_at
        ticket.visit_address = address[:255]
        ticket.planned_fix_date = timezone.localdate(visit_ends_at, ticket_zone(ticket))
        fields += [
            "visit_starts_at",
            "visit_ends_at",
            "visit_address",
            "planned_fix_date",
        ]
    previous_queue, previous = ticket.queue, ticket.status
    ticket.queue = queue
    ticket.status = ESCALATION_STATUS[level]
    ticket.save(update_fields=fields)
    # The call still owed is made by the ticket's new queue.
    Callback.objects.filter(ticket=ticket, status=Callback.Status.PENDING).update(
        queue=queue
    )
    step = f"{previous_queue.name if previous_queue else '—'} → {queue.name}"
    event = TicketEvent.objects.create(
        **_event_fields(
            ticket,
            TicketEvent.Kind.ESCALATED,
            actor,
            previous,
            ticket.status,
            (f"{step}: {note}" if note else step)[:255],
        ),
        from_queue=previous_queue,
    )
    _subscriber_notify(
        ticket,
        Notification.Event.STATUS,
        ref=event.pk,
        context={"status": ticket.status},
    )
    return ticket


@transaction.atomic
def ticket_move(*, ticket: Ticket, queue: SpecialistQueue, actor) -> Ticket:
    """Move a ticket to another queue (one routed to the wrong specialists).

    The step is an event with who, when and from which queue; a pending
    call-back moves with it, and an assignee who is not in the new queue lets
    the ticket go.
    """
    ticket = (
        Ticket.objects.select_for_update(of=("self",), no_key=True)
        .select_related("queue")
        .get(pk=ticket.pk)
    )
    if ticket.queue_id == queue.pk:
        return ticket
    previous = ticket.queue
    ticket.queue = queue
    fields = ["queue", "updated_at"]
    if (
        ticket.assignee_id
        and not QueueMembership.objects.filter(
            queue=queue, user_id=ticket.assignee_id
        ).exists()
    ):
        ticket.assignee = None
        fields.append("assignee")
    ticket.save(update_fields=fields)
    Callback.objects.filter(ticket=ticket, status=Callback.Status.PENDING).update(
        queue=queue
    )
    step = f"{previous.name if previous else '—'} → {queue.name}"
    TicketEvent.objects.create(
        **_event_fields(ticket, TicketEvent.Kind.MOVED, actor, note=step[:255]),
        from_queue=previous,
    )
    return ticket


@reference(watch=(City,))
def city_zones() -> dict[str, str]:
    """Each city's time zone by its name in lower case (offices.City)."""
    return {city.name.lower(): city.time_zone for city in City.objects.all()}


def ticket_zone(ticket: Ticket) -> zoneinfo.ZoneInfo:
    """The time zone of the ticket's city (the account's, kept when routed;
    a city offices know), else the portal's: the zone a visit slot is given
    and told in. No query: the notifications ask it for every letter."""
    name = city_zones().get(ticket.city.strip().lower())
    return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()


def ticket_visit_schedule(
    *,
    ticket: Ticket,
    actor,
    starts_at,
    ends_at,
    address: str = "",
    note: str = "",
) -> Ticket:
    """Schedule a technician visit, or move the one already scheduled.

    A ticket below the field technicians is escalated to them with the slot
    (see ``ticket_escalate``). A ticket with the technicians already gets the
    new slot: the event records the old and the new one, and the subscriber is
    told. Raise TicketError when the visit cannot be scheduled.
    """
    if not starts_at or not ends_at or ends_at <= starts_at:
        raise TicketError(
            _("A technician visit needs a slot: when it starts and ends."),
            code="visit_slot",
        )
    if starts_at < timezone.now():
        raise TicketError(_("The visit cannot start in the past."), code="visit_past")
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",), no_key=True)
            .select_related("queue", "account")
            .get(pk=ticket.pk)
        )
        level = locked.queue.level if locked.queue else Level.FIRST_LINE
        if level != Level.FIELD:
            return ticket_escalate(
                ticket=locked,
                actor=actor,
                level=Level.FIELD,
                note=note,
                visit_starts_at=starts_at,
                visit_ends_at=ends_at,
                visit_address=address,
            )
        if not locked.is_open:
            raise TicketError(
                _("A resolved or closed ticket is not escalated."), code="closed"
            )
        zone = ticket_zone(locked)
        before = (
            _visit_slot_text(locked.visit_starts_at, locked.visit_ends_at, zone)
            if locked.visit_starts_at
            else "—"
        )
        locked.visit_starts_at, locked.visit_ends_at = starts_at, ends_at
        locked.visit_address = (
            address.strip() or locked.visit_address or locked.connection_address
        )[:255]
        locked.planned_fix_date = timezone.localdate(ends_at, zone)
        previous = locked.status
        locked.status = Ticket.Status.VISIT_SCHEDULED
        locked.save(
            update_fields=[
                "visit_starts_at",
                "visit_ends_at",
                "visit_address",
                "planned_fix_date",
                "status",
                "updated_at",
            ]
        )
        change = f"{before} → {_visit_slot_text(starts_at, ends_at, zone)}"
        event = TicketEvent.objects.create(
            **_event_fields(
                locked,
                TicketEvent.Kind.VISIT_SCHEDULED,
                actor,
                previous,
                locked.status,
                (f"{change}: {note}" if note else change)[:255],
            )
        )
        _subscriber_notify(
            locked,
            Notification.Event.STATUS,
            ref=event.pk,
            context={"status": locked.status},
        )
        return locked


def _visit_slot_text(starts_at, ends_at, zone=None) -> str:
    starts, ends = (
        timezone.localtime(starts_at, zone),
        timezone.localtime(ends_at, zone),
    )
    return f"{starts:%d.%m.%Y %H:%M}–{ends:%H:%M}"


# Notifications ---------------------------------------------------------------------

# Errors a later attempt may not meet: the mail server or the SMS gateway was
# down, slow or refused for a while (ConnectionError and TimeoutError are
# OSErrors).
NOTIFICATION_TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:16]


def notification_queue(
    *,
    key: str,
    event: str,
    channel: str,
    recipient: str,
    ticket: Ticket | None = None,
    queue: SpecialistQueue | None = None,
    language: str = Language.RUSSIAN,
    context: dict | None = None,
) -> bool:
    """Record a notification and send it after the commit; once per ``key``.

    Return False when a notification with that key exists (already queued).
    """
    return _notification_queue_once(
        Notification(
            key=key,
            event=event,
            channel=channel,
            recipient=recipient,
            ticket=ticket,
            queue=queue,
            language=language,
            context=context or {},
            queued_at=timezone.now(),
        )
    )


def _notification_queue_once(notification: Notification) -> bool:
    defaults = {
        field.attname: getattr(notification, field.attname)
        for field in Notification._meta.concrete_fields
        if field.name not in ("id", "key")
    }
    saved, created = Notification.objects.get_or_create(
        key=notification.key, defaults=defaults
    )
    if created:
        transaction.on_commit(lambda: notification_publish(ids=[saved.pk]))
    return created


def notification_publish(*, ids) -> int:
    """Hand notifications to the senders: one task each, or a task per batch."""
    from .tasks import notification_send_batch_task, notification_send_task

    ids = list(ids)
    if len(ids) == 1:
        return int(_publish(notification_send_task, ids[0]))
    size = settings.PORTAL_NOTIFICATION_BATCH
    chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
    return sum(
        len(chunk) for chunk in chunks if _publish(notification_send_batch_task, chunk)
    )


def _subscriber_notifications(ticket: Ticket, event: str, *, ref, context=None):
    """The notifications (unsaved) that tell the ticket's author about an event.

    The acknowledgement goes by e-mail whenever there is an address, and also
    by SMS when the answer comes by phone; later events by SMS to those who
    are called back, otherwise by e-mail.
    """
    email, phone = ticket.contact_email, str(ticket.contact_phone or "")
    by_phone = ticket.reply_channel == ReplyChannel.PHONE and phone
    recipients = []
    if event == Notification.Event.RECEIVED:
        recipients = [("email", email)] if email else []
        recipients += [("sms", phone)] if by_phone else []
    elif by_phone:
        recipients = [("sms", phone)]
    elif email:
        recipients = [("email", email)]
    now = timezone.now()
    return [
        Notification(
            key=f"t{ticket.pk}:{event}:{ref}:{channel}:{_digest(recipient)}",
            event=event,
            channel=channel,
            recipient=recipient,
            ticket=ticket,
            language=ticket.language,
            context=context or {},
            queued_at=now,
        )
        for channel, recipient in recipients
    ]


def _subscriber_notify(ticket: Ticket, event: str, *, ref, context=None) -> None:
    """Queue the notifications of an event for the ticket's author, once each."""
    for notification in _subscriber_notifications(
        ticket, event, ref=ref, context=context
    ):
        _notification_queue_once(notification)


def _ticket_link(ticket: Ticket) -> str:
    return settings.PORTAL_BASE_URL + (
        ticket.get_absolute_url() if ticket.subscriber_id else ticket.get_private_url()
    )


def _notification_context(notification: Notification) -> dict:
    data = notification.context
    context = {"notification": notification}
    ticket = notification.ticket
    if ticket is not None:
        context.update(
            ticket=ticket,
            link=_ticket_link(ticket),
            desk_link=settings.PORTAL_BASE_URL
            + reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        )
    if "status" in data:
        context["status"] = Ticket.Status(data["status"]).label
    if "message_id" in data:
        context["message"] = Message.objects.get(pk=data["message_id"])
    if "deadline" in data:
        context["deadline"] = data["deadline"]
    if notification.queue is not None:
        context["queue"] = notification.queue
        context["tickets"] = list(
            Ticket.objects.filter(pk__in=data.get("ticket_ids", []))
            .select_related("topic")
            .order_by("created_at")
        )
        context["count"] = data.get("count", len(context["tickets"]))
        context["desk_link"] = settings.PORTAL_BASE_URL + reverse(
            "admin:tickets_ticket_changelist"
        )
    return context


def _sms_text(notification: Notification, context: dict) -> str:
    ticket = context["ticket"]
    values = {"number": ticket.number, "link": context["link"]}
    if notification.event == Notification.Event.RECEIVED:
        if ticket.first_response_due:
            due = timezone.localtime(ticket.first_response_due)
            return _(
                "Ticket %(number)s received; the answer comes by %(date)s. "
                "Follow it: %(link)s"
            ) % {**values, "date": date_format(due, "SHORT_DATE_FORMAT")}
        return _("Ticket %(number)s received. Follow it: %(link)s") % values
    if notification.event == Notification.Event.REPLY:
        return _("There is an answer to ticket %(number)s: %(link)s") % values
    if ticket.status == Ticket.Status.VISIT_SCHEDULED and ticket.visit_starts_at:
        starts = timezone.localtime(ticket.visit_starts_at)
        ends = timezone.localtime(ticket.visit_ends_at)
        return _(
            "Ticket %(number)s: a technician comes on %(date)s between %(start)s "
            "and %(end)s. %(link)s"
        ) % {
            **values,
            "date": date_format(starts, "SHORT_DATE_FORMAT"),
            "start": starts.strftime("%H:%M"),
            "end": ends.strftime("%H:%M"),
        }
    return _("Ticket %(number)s: %(status)s. %(link)s") % {
        **values,
        "status": context.get("status", ticket.get_status_display()),
    }


def _deliver(notification: Notification) -> None:
    context = _notification_context(notification)
    # Times in the letter are the subscriber's: their city's time zone.
    ticket = context.get("ticket")
    zone = (
        ticket_zone(ticket) if ticket is not None else timezone.get_default_timezone()
    )
    with timezone.override(zone):
        if notification.channel == Notification.Channel.EMAIL:
            mail_send(
                template=f"tickets/emails/{notification.event}",
                context=context,
                to=notification.recipient,
                language=notification.language,
            )
            return
        with translation.override(notification.language):
            text = str(_sms_text(notification, context))
    sms_send(phone=notification.recipient, text=text)


def notification_send(*, notification_id: int) -> bool:
    """Send a pending notification, once.

    The row is locked while sending, so that two deliveries of the task never
    both send; a sent or failed one is left alone (return False). A failed
    attempt is counted with its error and the exception raised for the task
    to retry.
    """
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",), no_key=True)
            .select_related("ticket__topic", "queue")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.status != Notification.Status.PENDING:
            return False
        notification.attempts += 1
        try:
            _deliver(notification)
        except Exception as exc:  # recorded here, raised below for the task
            failure = exc
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            notification.queued_at = timezone.now()  # a retry is on its way
            notification.save(update_fields=["attempts", "last_error", "queued_at"])
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.save(update_fields=["attempts", "status", "sent_at"])
    if failure is not None:
        raise failure
    return True


def notification_fail(*, notification_id: int) -> None:
    """Give up on a notification: it shows as failed, with its last error."""
    Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(status=Notification.Status.FAILED)


def notification_resend(*, notification_ids) -> int:
    """Try failed notifications again (the admin's action); return how many."""
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                pk__in=notification_ids, status=Notification.Status.FAILED
            ).values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, queued_at=timezone.now()
        )
        transaction.on_commit(lambda: notification_publish(ids=ids))
    return len(ids)


def notification_sweep(*, now=None, batch: int = 1000) -> int:
    """Publish again notifications left pending with nothing on its way."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.PORTAL_NOTIFICATION_RETRY_AFTER)
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, queued_at__lt=cutoff
        )
        .order_by("queued_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(queued_at=now)
    return notification_publish(ids=ids)


# Deadlines and digests ---------------------------------------------------------------


def _members(queue_id: int, role: str, cache: dict) -> list:
    if (queue_id, role) not in cache:
        cache[queue_id, role] = [
            membership.user
            for membership in QueueMembership.objects.filter(
                queue_id=queue_id, role=role, user__is_active=True
            )
            .exclude(user__email="")
            .select_related("user")
        ]
    return cache[queue_id, role]


SLA_CLOCKS = (
    (
        "first_response",
        "first_response_due",
        "first_response_at",
        "first_response_breached_at",
    ),
    ("resolution", "resolution_due", "resolved_at", "resolution_breached_at"),
)


def ticket_sla_watch(*, now=None, batch: int = 500) -> int:
    """Flag open tickets past a deadline, once each, and tell the queue's supervisors.

    Rows locked by someone else are skipped and caught on the next run.
    Return how many deadlines were flagged.
    """
    now = now or timezone.now()
    flagged = 0
    members = {}
    for clock, due, done, breached in SLA_CLOCKS:
        with transaction.atomic():
            tickets = list(
                Ticket.objects.select_for_update(
                    of=("self",), no_key=True, skip_locked=True
                )
                .filter(**{f"{due}__lt": now, f"{done}__isnull": True})
                .filter(**{f"{breached}__isnull": True, "queue__isnull": False})
                .exclude(status__in=Ticket.CLOSED_STATUSES)
                .order_by(due)[:batch]
            )
            for ticket in tickets:
                setattr(ticket, breached, now)
                ticket.save(update_fields=[breached])
                _event(ticket, TicketEvent.Kind.SLA_BREACHED, note=clock)
                for user in _members(ticket.queue_id, "supervisor", members):
                    notification_queue(
                        key=f"t{ticket.pk}:sla_breach:{clock}:email:{_digest(user.email)}",
                        event=Notification.Event.SLA_BREACH,
                        channel=Notification.Channel.EMAIL,
                        recipient=user.email,
                        ticket=ticket,
                        language=user.language,
                        context={"deadline": clock},
                    )
            flagged += len(tickets)
    return flagged


def queue_digest_send(*, now=None) -> int:
    """Tell each queue's agents, in one e-mail, about the tickets routed to it in
    the last full period (``PORTAL_QUEUE_DIGEST_SECONDS``). Return the e-mails queued.
    """
    now = now or timezone.now()
    period = settings.PORTAL_QUEUE_DIGEST_SECONDS
    end = datetime.datetime.fromtimestamp(
        now.timestamp() // period * period, tz=datetime.UTC
    )
    start = end - datetime.timedelta(seconds=period)
    by_queue: dict[int, list[int]] = {}
    for queue_id, pk in (
        Ticket.objects.filter(routed_at__gte=start, routed_at__lt=end)
        .exclude(queue=None)
        .order_by("routed_at")
        .values_list("queue_id", "pk")
    ):
        by_queue.setdefault(queue_id, []).append(pk)
    queued = 0
    members = {}
    with transaction.atomic():
        for queue_id, ids in by_queue.items():
            for user in _members(queue_id, "agent", members):
                queued += notification_queue(
                    key=f"q{queue_id}:digest:{start:%Y%m%d%H%M}:email:{_digest(user.email)}",
                    event=Notification.Event.QUEUE_DIGEST,
                    channel=Notification.Channel.EMAIL,
                    recipient=user.email,
                    queue=SpecialistQueue(pk=queue_id),
                    language=user.language,
                    context={"ticket_ids": ids[:50], "count": len(ids)},
                )
    return queued
