"""Notifications, escalation and deadlines: each step told once, failures visible."""

import datetime
import smtplib

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import PersonalAccountFactory, UserFactory
from portal.models import SmsMessage
from tickets import services
from tickets.models import (
    Message,
    Notification,
    QueueMembership,
    SpecialistQueue,
    Ticket,
    TicketEvent,
)
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and, after its commit, the tasks it queued (in-process)."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


@pytest.fixture
def agent(db):
    return UserFactory(subscriber=None, is_staff=True, email="agent@operator.example")


@pytest.fixture
def routed(run, mailoutbox):
    """A subscriber's internet fault, routed to the first line; its mail emptied."""
    user = UserFactory()
    account = PersonalAccountFactory(subscriber=user.subscriber, city="Казань")
    ticket = TicketFactory(author=user, account_number=account.number)
    run(services.ticket_route, ticket_id=ticket.pk)
    mailoutbox.clear()
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def by_phone(run, mailoutbox):
    ticket = TicketFactory(reply_channel="phone", contact_phone="+79123450000")
    run(services.ticket_route, ticket_id=ticket.pk)
    SmsMessage.objects.all().delete()
    mailoutbox.clear()
    ticket.refresh_from_db()
    return ticket


# Replies and status changes -------------------------------------------------------


def test_a_reply_is_e_mailed_with_its_text_once(run, routed, agent, mailoutbox):
    message = run(
        services.ticket_reply_create,
        ticket=routed,
        agent=agent,
        body="Перезагрузите роутер кнопкой на задней панели.",
    )

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [routed.contact_email]
    assert routed.number in mailoutbox[0].subject
    assert message.body in mailoutbox[0].body
    routed.refresh_from_db()
    assert routed.first_response_at == message.created_at
    # The same event again (a task delivered twice) sends nothing more.
    notification = Notification.objects.get(event="reply")
    assert run(services.notification_send, notification_id=notification.pk) is False
    assert len(mailoutbox) == 1


def test_an_internal_note_notifies_nobody(run, routed, agent, mailoutbox):
    run(
        services.ticket_reply_create,
        ticket=routed,
        agent=agent,
        body="Проверить порт",
        internal=True,
    )

    assert mailoutbox == []
    assert Message.objects.get().kind == Message.Kind.NOTE
    routed.refresh_from_db()
    assert routed.first_response_at is None


def test_a_reply_by_phone_is_announced_by_a_short_sms_with_the_link(
    run, by_phone, agent, settings, mailoutbox
):
    run(
        services.ticket_reply_create,
        ticket=by_phone,
        agent=agent,
        body="Длинный ответ " * 40,
    )

    sms = SmsMessage.objects.get()
    assert by_phone.number in sms.text
    assert settings.PORTAL_BASE_URL + by_phone.get_private_url() in sms.text
    assert "Длинный ответ" not in sms.text
    assert mailoutbox == []


@pytest.mark.parametrize(
    "status",
    [Ticket.Status.IN_PROGRESS, Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
)
def test_each_status_change_by_support_is_told_once(
    run, routed, agent, mailoutbox, status
):
    run(services.ticket_status_change, ticket=routed, status=status, actor=agent)
    run(services.ticket_status_change, ticket=routed, status=status, actor=agent)

    assert len(mailoutbox) == 1
    assert routed.number in mailoutbox[0].subject


def test_status_changes_of_a_phone_ticket_go_by_sms(run, by_phone, agent):
    run(
        services.ticket_status_change,
        ticket=by_phone,
        status="in_progress",
        actor=agent,
    )
    run(services.ticket_status_change, ticket=by_phone, status="resolved", actor=agent)

    texts = list(SmsMessage.objects.order_by("pk").values_list("text", flat=True))
    assert len(texts) == 2
    assert "в работе" in texts[0]
    assert "решено" in texts[1].lower()


def test_the_subscriber_closing_their_own_ticket_gets_no_letter(
    run, routed, mailoutbox
):
    run(services.ticket_close, ticket=routed, author=routed.author)

    assert mailoutbox == []


def test_letters_come_in_the_language_of_the_ticket(run, agent, mailoutbox):
    ticket = TicketFactory(language="en")
    run(services.ticket_route, ticket_id=ticket.pk)

    assert mailoutbox[0].subject == f"Ticket {ticket.number} is received"
    # Dates and the page's language follow the ticket's language too.
    ticket.refresh_from_db()
    due = timezone.localtime(ticket.first_response_due)
    assert f"Expect the first answer by {due:%m/%d/%Y}." in mailoutbox[0].body
    html = mailoutbox[0].alternatives[0][0]
    assert '<html lang="en">' in html


# Escalation -----------------------------------------------------------------------


def queue(code):
    return SpecialistQueue.objects.get(code=code)


def test_the_chain_goes_profile_then_visit_then_line(run, routed, agent, mailoutbox):
    # Tomorrow 10:00–12:00: a slot within one day, whatever the hour of the run.
    start = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=1), datetime.time(10)
        )
    )

    run(services.ticket_escalate, ticket=routed, actor=agent, note="Порт в норме")
    routed.refresh_from_db()
    assert routed.queue.code == "internet_l2"
    assert routed.status == Ticket.Status.ESCALATED

    run(
        services.ticket_escalate,
        ticket=routed,
        actor=agent,
        visit_starts_at=start,
        visit_ends_at=start + datetime.timedelta(hours=2),
    )
    routed.refresh_from_db()
    assert routed.queue.code == "field_kzn"  # the account is in Kazan
    assert routed.status == Ticket.Status.VISIT_SCHEDULED
    assert routed.visit_address == routed.connection_address
    assert routed.planned_fix_date == timezone.localdate(start)

    run(services.ticket_escalate, ticket=routed, actor=agent)
    routed.refresh_from_db()
    assert routed.queue.code == "line"
    assert routed.status == Ticket.Status.LINE_WORKS

    steps = routed.events.filter(kind=TicketEvent.Kind.ESCALATED).order_by("pk")
    assert [(e.actor, e.to_status) for e in steps] == [
        (agent, "escalated"),
        (agent, "visit_scheduled"),
        (agent, "line_works"),
    ]
    assert "Порт в норме" in steps[0].note
    # The subscriber heard of each step once; the visit letter has the slot.
    assert len(mailoutbox) == 3
    assert timezone.localtime(start).strftime("%H:%M") in mailoutbox[1].body


def test_a_visit_needs_a_slot(run, routed, agent):
    with pytest.raises(services.TicketError) as error:
        run(services.ticket_escalate, ticket=routed, actor=agent, level="field")

    assert error.value.code == "visit_slot"
    routed.refresh_from_db()
    assert routed.queue.code == "first_line"


def test_line_technicians_are_the_last_step(run, routed, agent):
    run(services.ticket_escalate, ticket=routed, actor=agent, level="line")

    with pytest.raises(services.TicketError) as error:
        run(services.ticket_escalate, ticket=routed, actor=agent)

    assert error.value.code == "last_level"


def test_a_visit_sms_tells_the_slot(run, by_phone, agent):
    start = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
    run(
        services.ticket_escalate,
        ticket=by_phone,
        actor=agent,
        level="field",
        visit_starts_at=start,
        visit_ends_at=start + datetime.timedelta(hours=2),
    )

    assert "01.12.2026" in SmsMessage.objects.get().text
    assert "10:00" in SmsMessage.objects.get().text


# Deadlines watch ------------------------------------------------------------------


def test_missed_first_response_is_flagged_once_and_supervisors_are_told(
    run, routed, mailoutbox
):
    supervisor = UserFactory(
        subscriber=None, is_staff=True, email="boss@operator.example"
    )
    QueueMembership.objects.create(
        queue=routed.queue, user=supervisor, role="supervisor"
    )
    later = routed.first_response_due + datetime.timedelta(minutes=1)

    with freeze_time(later):
        assert run(services.ticket_sla_watch) == 1
        assert run(services.ticket_sla_watch) == 0

    routed.refresh_from_db()
    assert routed.first_response_breached_at is not None
    assert routed.events.filter(kind=TicketEvent.Kind.SLA_BREACHED).count() == 1
    assert [m.to for m in mailoutbox] == [["boss@operator.example"]]
    assert routed.number in mailoutbox[0].subject


def test_answered_tickets_are_not_flagged(run, routed, agent):
    run(services.ticket_reply_create, ticket=routed, agent=agent, body="Ответ в срок")

    with freeze_time(routed.first_response_due + datetime.timedelta(minutes=1)):
        assert run(services.ticket_sla_watch) == 0


# New tickets digest ----------------------------------------------------------------


def test_agents_get_one_digest_of_the_new_tickets_of_their_queue(
    run, mailoutbox, settings
):
    settings.PORTAL_QUEUE_DIGEST_SECONDS = 900
    first_line = queue("first_line")
    QueueMembership.objects.create(
        queue=first_line,
        user=UserFactory(subscriber=None, is_staff=True, email="a1@operator.example"),
    )
    QueueMembership.objects.create(
        queue=queue("billing"),
        user=UserFactory(subscriber=None, is_staff=True, email="b1@operator.example"),
    )
    with freeze_time("2026-11-27 10:05:00+03:00"):
        tickets = [TicketFactory(), TicketFactory()]
        for ticket in tickets:
            run(services.ticket_route, ticket_id=ticket.pk)
    mailoutbox.clear()

    with freeze_time("2026-11-27 10:16:00+03:00"):
        assert run(services.queue_digest_send) == 1
        assert run(services.queue_digest_send) == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["a1@operator.example"]
    for ticket in tickets:
        assert ticket.number in mailoutbox[0].body


# Failures --------------------------------------------------------------------------


@pytest.fixture
def retries_in_process():
    """Let in-process tasks retry at once, as a worker would after a delay."""
    from portal.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


class FailingMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


def test_a_mail_server_failure_retries_then_shows_as_failed(
    run, settings, mailoutbox, retries_in_process
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailBackend"
    ticket = TicketFactory()

    run(services.ticket_route, ticket_id=ticket.pk)

    notification = Notification.objects.get()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 7  # the first try and six retries
    assert "SMTPServerDisconnected" in notification.last_error
    ticket.refresh_from_db()
    assert ticket.routed_at is not None  # routing itself is done


def test_failed_notifications_are_listed_and_sent_again_from_the_admin(
    run,
    settings,
    admin_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
    retries_in_process,
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailBackend"
    ticket = TicketFactory()
    run(services.ticket_route, ticket_id=ticket.pk)
    notification = Notification.objects.get()

    page = admin_client.get("/admin/tickets/notification/?status__exact=failed")
    assert "SMTPServerDisconnected" in page.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/tickets/notification/",
            {"action": "resend", "_selected_action": [notification.pk]},
        )

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mailoutbox) == 1


def test_sweeper_sends_notifications_whose_task_was_lost(run, settings, mailoutbox):
    ticket = TicketFactory()
    with freeze_time(timezone.now() - datetime.timedelta(hours=1)):
        # Queued, but the task never ran (no commit callbacks here).
        services.notification_queue(
            key="lost",
            event="received",
            channel="email",
            recipient="guest@example.ru",
            ticket=ticket,
        )

    assert run(services.notification_sweep) == 1
    assert Notification.objects.get().status == Notification.Status.SENT
    assert len(mailoutbox) == 1
