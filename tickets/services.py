"""What happens to tickets: filing, messages, closing, rating, guest access.

Views, the admin, tasks and tests call these functions; forms only validate.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent, PersonalAccount, ReplyChannel
from accounts.services import ClientInfo, consent_record
from portal.mail import mail_send
from portal.refcache import reference
from portal.sms import sms_send
from portal.throttle import throttle_counts, throttle_hit

from .files import InspectedFile
from .models import (
    Attachment,
    Category,
    GuestAccessCode,
    Message,
    Ticket,
    TicketCounter,
    TicketEvent,
    Topic,
)

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


def ticket_number_next(*, year: int) -> str:
    """Issue the year's next number, such as 2026-0001234.

    One UPDATE … RETURNING: atomic on its own (PostgreSQL and SQLite alike),
    so the counter row is locked only for that statement's transaction.
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


def ticket_submission_allowed(
    *, ip_address: str, user=None, submission_key=None
) -> bool:
    """Count a submission; say whether the address and account are within the limit.

    A form sent again with the same ``submission_key`` (a double click, a
    resend after a lost answer) makes no new ticket and is not counted again.
    """
    limit, period = settings.PORTAL_TICKET_LIMIT
    seen_key = f"ticket-submission:{submission_key}"
    # False: sent before. (None: the cache cannot tell; count it.)
    if submission_key is not None and cache.add(seen_key, 1, timeout=period) is False:
        return True
    keys = [("ticket-ip", ip_address or "unknown")]
    if user is not None and user.is_authenticated:
        keys.append(("ticket-user", str(user.pk)))
    if any(count > limit for count in throttle_counts(keys, period=period)):
        if submission_key is not None:
            cache.delete(seen_key)  # refused: sending it again is counted again
        return False
    return True


def ticket_message_allowed(*, ticket: Ticket) -> bool:
    """Count a message to the ticket; say whether it is within the limit."""
    limit, period = settings.PORTAL_TICKET_MESSAGE_LIMIT
    who = str(ticket.pk)
    return throttle_hit(scope="ticket-message", who=who, limit=limit, period=period)


def _attachments_store(*, ticket, files: list[InspectedFile], message=None):
    stored = []
    for item in files:
        attachment = Attachment(
            ticket=ticket,
            message=message,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
        )
        attachment.file.save(item.name, item.upload, save=False)
        stored.append(attachment)
        attachment.save()
    return stored


def _event(ticket, kind, *, actor=None, from_status="", to_status="", note=""):
    TicketEvent.objects.create(
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
    # The number is taken in a short transaction of its own, so that the
    # year's counter is not locked while files are written (a number lost to a
    # failed submission leaves a gap, which is harmless).
    number = ticket_number_next(year=timezone.localdate().year)
    stored = []
    try:
        with transaction.atomic():
            ticket = _ticket_create(
                author=author,
                number=number,
                submission_key=submission_key,
                client=client,
                files=files,
                data=data,
                stored=stored,
            )
    except Exception as exc:
        for attachment in stored:  # files written by the rolled-back transaction
            attachment.file.delete(save=False)
        if isinstance(exc, IntegrityError):
            # The other click of a double click won the race.
            existing = Ticket.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing, False
        raise
    return ticket, True


def _ticket_create(*, author, number, submission_key, client, files, data, stored):
    from .tasks import ticket_acknowledge_task

    authenticated = author is not None and author.is_authenticated
    # Users without a subscriber (staff) file like guests do.
    signed_in = authenticated and author.subscriber_id is not None
    account = None
    if data.get("account_number"):
        account = (
            PersonalAccount.objects.for_user(author)
            .filter(number=data["account_number"])
            .first()
            if signed_in
            else None
        )
    ticket = Ticket(
        number=number,
        submission_key=submission_key,
        author=author if authenticated else None,
        subscriber=author.subscriber if signed_in else None,
        account=account,
        ip_address=client.ip_address,
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
    ticket.save()
    stored.extend(_attachments_store(ticket=ticket, files=files))
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                **_event_fields(
                    ticket, TicketEvent.Kind.CREATED, author, to_status=ticket.status
                )
            ),
            # Routing workers pick up tickets in this state (issue 5 builds them).
            TicketEvent(**_event_fields(ticket, TicketEvent.Kind.ROUTING_PENDING)),
        ]
    )
    if ticket.contact_email:
        ticket_acknowledge_task.delay_on_commit(ticket.pk, "email")
    if ticket.reply_channel == ReplyChannel.PHONE and ticket.contact_phone:
        ticket_acknowledge_task.delay_on_commit(ticket.pk, "sms")
    return ticket


def ticket_acknowledge(*, ticket_id: int, channel: str) -> bool:
    """Tell the author that the ticket is received, with its number and private link.

    ``channel`` is "email" or "sms" (when the answer goes by phone). Each is
    sent once: the sending is recorded on the ticket under a row lock, so a
    task run twice, or retried after the other channel failed, sends nothing
    twice. Return False when it was already sent.
    """
    sent_field = {"email": "ack_email_sent_at", "sms": "ack_sms_sent_at"}[channel]
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("topic")
            .get(pk=ticket_id)
        )
        if getattr(ticket, sent_field) is not None:
            return False
        link = settings.PORTAL_BASE_URL + (
            ticket.get_absolute_url()
            if ticket.subscriber_id
            else ticket.get_private_url()
        )
        if channel == "email":
            mail_send(
                template="tickets/emails/received",
                context={"ticket": ticket, "link": link},
                to=ticket.contact_email,
                language=ticket.language,
            )
        else:
            with translation.override(ticket.language):
                text = _("Ticket %(number)s received. Follow it: %(link)s") % {
                    "number": ticket.number,
                    "link": link,
                }
            sms_send(phone=str(ticket.contact_phone), text=str(text))
        setattr(ticket, sent_field, timezone.now())
        ticket.save(update_fields=[sent_field])
    return True


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
        ticket.status = (
            Ticket.Status.IN_PROGRESS if ticket.queue_id else Ticket.Status.NEW
        )
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
        _event(
            ticket,
            TicketEvent.Kind.REOPENED,
            actor=author,
            from_status=previous,
            to_status=ticket.status,
        )
    return message


@transaction.atomic
def ticket_status_change(*, ticket: Ticket, status: str, actor) -> Ticket:
    """Move the ticket to a status as support does, keeping its times and history.

    Resolving records when; reopening clears it; each change is an event.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous = ticket.status
    if previous == status:
        return ticket
    now = timezone.now()
    ticket.status = status
    if status == Ticket.Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = now
    else:
        ticket.resolved_at = ticket.closed_at = None
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    _event(
        ticket,
        TicketEvent.Kind.STATUS,
        actor=actor,
        from_status=previous,
        to_status=status,
    )
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, author) -> Ticket:
    """Close the ticket at the subscriber's request."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.CLOSED:
        raise TicketError(_("The ticket is already closed."), code="closed")
    previous = ticket.status
    ticket.status = Ticket.Status.CLOSED
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["status", "closed_at", "updated_at"])
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

    A code works once, for 15 minutes, and five wrong tries spoil it.
    """
    ticket = Ticket.objects.filter(number=number.strip(), subscriber=None).first()
    if ticket is None:
        return None
    access = (
        GuestAccessCode.objects.select_for_update()
        .filter(
            ticket=ticket,
            used_at=None,
            created_at__gte=timezone.now() - GUEST_CODE_TTL,
            attempts__lt=GUEST_CODE_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )
    if access is None:
        return None
    if not hmac.compare_digest(access.code_hash, _code_hash(ticket, code.strip())):
        access.attempts += 1
        access.save(update_fields=["attempts"])
        return None
    access.used_at = timezone.now()
    access.save(update_fields=["used_at"])
    return ticket
