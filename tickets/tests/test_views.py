"""Following a ticket: My tickets, the ticket page, files, guests' links and codes."""

import codecs
import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import constants as message_levels
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.text import capfirst
from freezegun import freeze_time

from accounts.tests.factories import (
    OrganisationFactory,
    PersonalAccountFactory,
    ServiceFactory,
    UserFactory,
    service_type,
)
from portal.models import SmsMessage
from tickets import services
from tickets.models import (
    GuestAccessCode,
    Message,
    Notification,
    SpecialistQueue,
    Ticket,
    TicketEvent,
    Topic,
)
from tickets.tests.factories import PNG, TicketFactory, guest_form_data, png_upload

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
GUEST_EMAIL = "guest@example.ru"
GUEST_PHONE = "+79123450000"


@pytest.fixture
def user(db):
    """A subscriber's user with an e-mail, a phone, one account and one service."""
    user = UserFactory(phone="+79123456789")
    ServiceFactory(account=PersonalAccountFactory(subscriber=user.subscriber))
    return user


@pytest.fixture
def other_user(db):
    user = UserFactory()
    ServiceFactory(account=PersonalAccountFactory(subscriber=user.subscriber))
    return user


@pytest.fixture
def ticket(user):
    """The subscriber's ticket with one PNG attached."""
    return TicketFactory(author=user, with_attachment=True)


@pytest.fixture
def guest_ticket(db):
    return TicketFactory(
        author=None,
        with_attachment=True,
        contact_email=GUEST_EMAIL,
        contact_phone=GUEST_PHONE,
    )


def detail(ticket) -> str:
    return f"/tickets/{ticket.number}/"


def set_status(ticket, status):
    """Move the ticket as support would (the desk calls the same service)."""
    services.ticket_status_change(ticket=ticket, status="resolved", actor=None)
    services.ticket_status_change(ticket=ticket, status=status, actor=None)
    ticket.refresh_from_db()


def in_russian(text) -> str:
    """Return a message id or a lazy label as the Russian page shows it."""
    with translation.override("ru"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def guest_form(**overrides) -> dict:
    return guest_form_data(**{"contact_email": GUEST_EMAIL, **overrides})


def member_form(**overrides) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "service_type": service_type("internet").pk,
        "topic": Topic.objects.get(code="setup").pk,
        "body": "Не могу настроить роутер, подскажите параметры.",
        "reply_channel": "email",
    }
    data.update(overrides)
    return data


def file_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def flash(response) -> list:
    return list(response.context["messages"])


# My tickets -----------------------------------------------------------------------


def test_my_tickets_needs_sign_in(client):
    response = client.get("/tickets/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=/tickets/" in response.url


def test_my_tickets_lists_only_the_subscribers_tickets(client, user, other_user):
    mine = TicketFactory(author=user)
    theirs = TicketFactory(author=other_user)
    guests = TicketFactory(author=None)
    client.force_login(user)

    response = client.get("/tickets/")

    assert list(response.context["tickets"]) == [mine]
    html = response.content.decode()
    assert mine.number in html
    assert theirs.number not in html
    assert guests.number not in html


def test_users_of_one_organisation_see_its_tickets(client):
    organisation = OrganisationFactory()
    director = UserFactory(subscriber=organisation)
    accountant = UserFactory(subscriber=organisation)
    filed = TicketFactory(author=director)
    client.force_login(accountant)

    response = client.get("/tickets/")

    assert list(response.context["tickets"]) == [filed]
    assert client.get(detail(filed)).status_code == 200


@pytest.mark.parametrize(
    ("status_filter", "expected"),
    [
        ("", {"new", "resolved", "closed"}),
        ("open", {"new"}),
        ("closed", {"resolved", "closed"}),
    ],
)
def test_my_tickets_filter_by_status(client, user, status_filter, expected):
    tickets = {
        status: TicketFactory(author=user) for status in ("new", "resolved", "closed")
    }
    for status, filed in tickets.items():
        if status != "new":  # a new ticket stays as filed
            set_status(filed, status)
    client.force_login(user)

    response = client.get("/tickets/", {"status": status_filter})

    assert {t.status for t in response.context["tickets"]} == expected
    html = response.content.decode()
    for status, filed in tickets.items():
        assert (filed.number in html) == (status in expected)


def test_dashboard_shows_recent_tickets_with_status(client, user):
    filed = TicketFactory(author=user)
    set_status(filed, Ticket.Status.IN_PROGRESS)
    client.force_login(user)

    response = client.get("/account/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="recent-tickets"' in html
    assert f'href="{detail(filed)}"' in html
    assert "status-in_progress" in html
    assert escape(capfirst(in_russian(Ticket.Status.IN_PROGRESS.label))) in html


# The ticket page -------------------------------------------------------------------


def test_ticket_page_shows_body_public_replies_files_and_history(client, user, ticket):
    Message.objects.create(
        ticket=ticket, kind=Message.Kind.REPLY, body="Перезагрузите роутер, пожалуйста."
    )
    Message.objects.create(
        ticket=ticket, kind=Message.Kind.NOTE, body="Внутреннее: абонент звонил трижды."
    )
    attachment = ticket.attachments.get()
    client.force_login(user)

    response = client.get(detail(ticket))

    html = response.content.decode()
    assert response.status_code == 200
    assert escape(ticket.body) in html
    assert "Перезагрузите роутер, пожалуйста." in html
    assert "Внутреннее" not in html
    assert f'href="/tickets/{ticket.number}/files/{attachment.pk}/"' in html
    assert attachment.original_name in html
    history = html.split('id="ticket-history"', 1)[1]
    assert escape(capfirst(in_russian(TicketEvent.Kind.CREATED.label))) in history
    assert (
        escape(capfirst(in_russian(TicketEvent.Kind.ROUTING_PENDING.label))) in history
    )


def test_stored_received_rows_do_not_show_twice(client, user, ticket):
    # Written before these entries were read from the ticket, or by a web
    # process still on the older code during a rolling update.
    for kind in TicketEvent.FROM_THE_TICKET:
        TicketEvent.objects.create(ticket=ticket, kind=kind)
    client.force_login(user)

    html = client.get(detail(ticket)).content.decode()

    history = html.split('id="ticket-history"', 1)[1]
    for kind in TicketEvent.FROM_THE_TICKET:
        assert history.count(escape(capfirst(in_russian(kind.label)))) == 1


def test_missed_deadlines_stay_out_of_the_subscriber_history(client, user, ticket):
    TicketEvent.objects.create(
        ticket=ticket, kind=TicketEvent.Kind.SLA_BREACHED, note="first_response"
    )
    client.force_login(user)

    history = (
        client.get(detail(ticket)).content.decode().split('id="ticket-history"')[1]
    )

    assert (
        escape(capfirst(in_russian(TicketEvent.Kind.SLA_BREACHED.label))) not in history
    )


def test_ticket_page_shows_the_planned_fix_date_when_set(client, user, ticket):
    client.force_login(user)
    not_set = in_russian("not set yet")
    assert escape(not_set) in client.get(detail(ticket)).content.decode()
    fix_date = datetime.date(2026, 3, 17)
    Ticket.objects.filter(pk=ticket.pk).update(planned_fix_date=fix_date)

    html = client.get(detail(ticket)).content.decode()

    with translation.override("ru"):
        shown = formats.date_format(fix_date, "DATE_FORMAT")
    assert shown in html
    assert escape(not_set) not in html


def test_ticket_page_needs_sign_in(client, ticket):
    response = client.get(detail(ticket))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_another_subscriber_gets_404_for_the_page_actions_and_files(
    client, ticket, other_user
):
    attachment = ticket.attachments.get()
    set_status(ticket, Ticket.Status.RESOLVED)
    client.force_login(other_user)

    assert client.get(detail(ticket)).status_code == 404
    for action in (
        {"action": "message", "body": "Чужое сообщение в чужое обращение."},
        {"action": "close"},
        {"action": "rate", "rating": "1"},
    ):
        assert client.post(detail(ticket), action).status_code == 404
    assert client.get(f"{detail(ticket)}files/{attachment.pk}/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.rating is None
    assert not ticket.messages.exists()


def test_subscriber_adds_a_message_with_a_file(client, user, ticket):
    client.force_login(user)

    response = client.post(
        detail(ticket),
        {
            "action": "message",
            "body": "Вот фото роутера с индикаторами.",
            "attachments": [png_upload("router.png")],
        },
        follow=True,
    )

    assert response.redirect_chain == [(detail(ticket), 302)]
    message = ticket.messages.get()
    assert message.kind == Message.Kind.SUBSCRIBER
    assert message.author == user
    assert message.body == "Вот фото роутера с индикаторами."
    attachment = message.attachments.get()
    assert attachment.ticket == ticket
    assert attachment.original_name == "router.png"
    html = response.content.decode()
    assert "Вот фото роутера с индикаторами." in html
    assert f'href="/tickets/{ticket.number}/files/{attachment.pk}/"' in html
    assert [m.level for m in flash(response)] == [message_levels.SUCCESS]
    assert ticket.events.filter(kind=TicketEvent.Kind.MESSAGE).count() == 1


def test_invalid_message_is_shown_again_and_files_must_be_chosen_again(
    client, user, ticket
):
    client.force_login(user)

    response = client.post(
        detail(ticket),
        {
            "action": "message",
            "body": "",
            "attachments": [SimpleUploadedFile("a.exe", b"MZ" + b"\x00" * 64)],
        },
    )

    assert response.status_code == 200
    form = response.context["message_form"]
    assert form.has_error("body", "required")
    assert form.has_error("attachments", "file_type")
    assert form.files_dropped is True
    assert not ticket.messages.exists()


def test_message_to_a_resolved_ticket_reopens_it(client, user, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(
        queue=SpecialistQueue.objects.get(code="first_line")
    )
    set_status(ticket, Ticket.Status.RESOLVED)
    client.force_login(user)

    client.post(detail(ticket), {"action": "message", "body": "Снова не работает."})

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IN_PROGRESS
    reopened = ticket.events.get(kind=TicketEvent.Kind.REOPENED)
    assert reopened.from_status == Ticket.Status.RESOLVED
    assert reopened.to_status == Ticket.Status.IN_PROGRESS
    assert reopened.actor == user


def test_a_ticket_closed_before_routing_goes_back_to_wait_for_it(client, user, ticket):
    client.force_login(user)
    client.post(detail(ticket), {"action": "close"})

    client.post(detail(ticket), {"action": "message", "body": "Всё же не работает."})

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.events.get(kind=TicketEvent.Kind.REOPENED).to_status == "new"


def test_a_ticket_closed_without_an_answer_cannot_be_rated(client, user, ticket):
    client.force_login(user)
    client.post(detail(ticket), {"action": "close"})

    client.post(detail(ticket), {"action": "rate", "rating": "5", "comment": ""})

    ticket.refresh_from_db()
    assert ticket.rating is None


def test_message_to_an_open_ticket_does_not_reopen_it(client, user, ticket):
    client.force_login(user)

    client.post(detail(ticket), {"action": "message", "body": "Дополнение."})

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert not ticket.events.filter(kind=TicketEvent.Kind.REOPENED).exists()


def test_subscriber_closes_the_ticket(client, user, ticket):
    client.force_login(user)

    response = client.post(detail(ticket), {"action": "close"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.closed_at is not None
    event = ticket.events.get(kind=TicketEvent.Kind.CLOSED)
    assert event.from_status == Ticket.Status.NEW
    assert event.to_status == Ticket.Status.CLOSED
    assert event.actor == user


def test_closing_a_closed_ticket_shows_an_error(client, user, ticket):
    set_status(ticket, Ticket.Status.CLOSED)
    client.force_login(user)

    response = client.post(detail(ticket), {"action": "close"}, follow=True)

    assert [m.level for m in flash(response)] == [message_levels.ERROR]
    assert not ticket.events.filter(kind=TicketEvent.Kind.CLOSED).exists()


@pytest.mark.parametrize("status", [Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
def test_resolved_or_closed_ticket_is_rated_once(client, user, ticket, status):
    set_status(ticket, status)
    client.force_login(user)

    first = client.post(
        detail(ticket),
        {"action": "rate", "rating": "4", "comment": "Быстро помогли."},
        follow=True,
    )
    second = client.post(
        detail(ticket),
        {"action": "rate", "rating": "1", "comment": "Передумал."},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.rating == 4
    assert ticket.rating_comment == "Быстро помогли."
    assert ticket.rated_at is not None
    assert ticket.events.filter(kind=TicketEvent.Kind.RATED).count() == 1
    assert [m.level for m in flash(first)] == [message_levels.SUCCESS]
    assert [m.level for m in flash(second)] == [message_levels.ERROR]


def test_open_ticket_cannot_be_rated(client, user, ticket):
    client.force_login(user)

    response = client.post(
        detail(ticket), {"action": "rate", "rating": "5"}, follow=True
    )

    ticket.refresh_from_db()
    assert ticket.rating is None
    assert [m.level for m in flash(response)] == [message_levels.ERROR]


@pytest.mark.parametrize("rating", ["6", "0", "-1", "пять", ""])
def test_rating_outside_1_to_5_is_refused(client, user, ticket, rating):
    set_status(ticket, Ticket.Status.RESOLVED)
    client.force_login(user)

    response = client.post(detail(ticket), {"action": "rate", "rating": rating})

    assert response.status_code == 200
    assert "rating" in response.context["rating_form"].errors
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_unknown_action_changes_nothing(client, user, ticket):
    client.force_login(user)

    response = client.post(detail(ticket), {"action": "delete"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


# Attachment download --------------------------------------------------------------


def test_owner_downloads_the_file_as_an_attachment(client, user, ticket):
    attachment = ticket.attachments.get()
    client.force_login(user)

    response = client.get(f"{detail(ticket)}files/{attachment.pk}/")

    assert response.status_code == 200
    assert file_bytes(response) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="screen.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == attachment.content_type == "image/png"


def test_download_needs_sign_in(client, ticket):
    attachment = ticket.attachments.get()

    response = client.get(f"{detail(ticket)}files/{attachment.pk}/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_file_is_not_served_under_another_tickets_number(client, user, ticket):
    other = TicketFactory(author=user)
    attachment = ticket.attachments.get()
    client.force_login(user)

    response = client.get(f"{detail(other)}files/{attachment.pk}/")

    assert response.status_code == 404


def test_a_manager_downloads_any_file(client, ticket):
    staff = UserFactory(is_staff=True, subscriber=None)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="tickets",
            codename__in=["view_ticket", "view_all_tickets"],
        )
    )
    attachment = ticket.attachments.get()
    client.force_login(staff)

    response = client.get(f"{detail(ticket)}files/{attachment.pk}/")

    assert response.status_code == 200
    assert file_bytes(response) == PNG


def test_staff_without_view_permission_gets_404(client, ticket):
    staff = UserFactory(is_staff=True, subscriber=None)
    attachment = ticket.attachments.get()
    client.force_login(staff)

    response = client.get(f"{detail(ticket)}files/{attachment.pk}/")

    assert response.status_code == 404


# Guests: the confirmation and the private link -------------------------------------


def test_confirmation_page_is_for_the_guest_who_sent_the_ticket(client):
    response = client.post("/feedback/", guest_form())
    ticket = Ticket.objects.get()

    page = client.get(response.url)

    assert page.status_code == 200
    html = page.content.decode()
    assert ticket.number in html
    assert ticket.get_private_url() in html
    # A new visitor (another session) does not see it.
    assert Client().get(response.url).status_code == 404


def test_confirmation_page_of_a_subscriber_is_not_shown_to_others(
    client, user, other_user
):
    client.force_login(user)
    done = client.post("/feedback/", member_form()).url
    assert client.get(done).status_code == 200

    client.force_login(other_user)

    assert client.get(done).status_code == 404


def test_private_link_opens_the_guest_ticket_and_its_files(client, guest_ticket):
    attachment = guest_ticket.attachments.get()
    url = guest_ticket.get_private_url()

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(guest_ticket.body) in html
    file_url = f"/tickets/t/{guest_ticket.access_token}/files/{attachment.pk}/"
    assert f'href="{file_url}"' in html
    download = client.get(file_url)
    assert download.status_code == 200
    assert file_bytes(download) == PNG
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_guest_adds_a_message_through_the_private_link(client, guest_ticket):
    url = guest_ticket.get_private_url()

    response = client.post(url, {"action": "message", "body": "Дополняю: мигает LOS."})

    assert response.status_code == 302
    assert response.url == url
    message = guest_ticket.messages.get()
    assert message.body == "Дополняю: мигает LOS."
    assert message.author is None


def test_wrong_private_link_is_404(client, guest_ticket):
    attachment = guest_ticket.attachments.get()

    assert client.get("/tickets/t/wrong-token/").status_code == 404
    assert (
        client.get(f"/tickets/t/wrong-token/files/{attachment.pk}/").status_code == 404
    )


def test_private_link_does_not_open_a_subscribers_ticket(client, ticket):
    attachment = ticket.attachments.get()
    token = ticket.access_token

    assert client.get(f"/tickets/t/{token}/").status_code == 404
    assert client.get(f"/tickets/t/{token}/files/{attachment.pk}/").status_code == 404


def test_private_link_serves_only_files_of_its_own_ticket(client, guest_ticket):
    other = TicketFactory(author=None, with_attachment=True)
    foreign = other.attachments.get()

    response = client.get(f"/tickets/t/{guest_ticket.access_token}/files/{foreign.pk}/")

    assert response.status_code == 404


# The acknowledgement -----------------------------------------------------------------


def test_guest_acknowledgement_contains_the_private_link(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", guest_form())

    ticket = Ticket.objects.get()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [GUEST_EMAIL]
    assert ticket.number in mail.subject
    link = settings.PORTAL_BASE_URL + ticket.get_private_url()
    assert link in mail.body
    assert link in mail.alternatives[0][0]
    notification = Notification.objects.get(ticket=ticket)
    assert notification.status == Notification.Status.SENT
    assert notification.event == Notification.Event.RECEIVED


def test_subscriber_acknowledgement_links_to_the_ticket_page(
    client, user, mailoutbox, django_capture_on_commit_callbacks, settings
):
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", member_form())

    ticket = Ticket.objects.get()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert settings.PORTAL_BASE_URL + detail(ticket) in mailoutbox[0].body
    assert ticket.access_token not in mailoutbox[0].body


def test_acknowledgement_is_sent_only_after_the_commit(client, mailoutbox):
    client.post("/feedback/", guest_form())

    assert Ticket.objects.count() == 1
    assert mailoutbox == []


def test_acknowledgement_is_sent_once_however_often_it_is_called(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", guest_form())
    ticket = Ticket.objects.get()
    notification = Notification.objects.get(ticket=ticket)

    with django_capture_on_commit_callbacks(execute=True):
        routed_again = services.ticket_route(ticket_id=ticket.pk)
        sent_again = services.notification_send(notification_id=notification.pk)

    assert routed_again == 0
    assert sent_again is False
    assert len(mailoutbox) == 1


def test_double_click_sends_one_acknowledgement(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    data = guest_form()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", data)
        client.post("/feedback/", data)

    assert Ticket.objects.count() == 1
    assert len(mailoutbox) == 1


def test_reply_by_phone_sends_an_sms_with_the_link(
    client, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/feedback/",
            guest_form(
                reply_channel="phone", contact_email="", contact_phone="8 912 345-00-00"
            ),
        )

    ticket = Ticket.objects.get()
    sms = SmsMessage.objects.get()
    assert sms.phone == GUEST_PHONE
    assert ticket.number in sms.text
    assert settings.PORTAL_BASE_URL + ticket.get_private_url() in sms.text


def test_reply_by_email_sends_no_sms(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", guest_form(contact_phone="8 912 345-00-00"))

    assert not SmsMessage.objects.exists()


# Guests: finding a ticket by its number --------------------------------------------


def lookup(client, number, contact):
    """Ask for a code; the worker sends it after the commit (run here at once)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/tickets/find/",
            {
                "number": number,
                "contact": contact,
                "captcha_0": "key",
                "captcha_1": "PASSED",
            },
        )


def enter_code(client, number, code):
    return client.post("/tickets/find/code/", {"number": number, "code": code})


def code_from(text: str) -> str:
    return re.search(r"(?<![\d-])\d{6}(?!\d)", text).group(0)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_lookup_by_email_sends_a_code_by_email(client, guest_ticket, mailoutbox):
    response = lookup(client, guest_ticket.number, " Guest@Example.RU ")

    assert response.status_code == 302
    assert response.url == "/tickets/find/code/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [GUEST_EMAIL]
    assert guest_ticket.number in mailoutbox[0].subject
    code = code_from(mailoutbox[0].body)
    assert GuestAccessCode.objects.filter(ticket=guest_ticket).count() == 1
    # Only a hash of the code is stored.
    assert not GuestAccessCode.objects.filter(code_hash=code).exists()
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize(
    "phone",
    ["+79123450000", "8 (912) 345-00-00", "8-912-345-00-00", "+7 912 345 00 00"],
)
def test_lookup_by_phone_in_any_format_sends_a_code_by_sms(
    client, guest_ticket, mailoutbox, phone
):
    response = lookup(client, guest_ticket.number, phone)

    assert response.url == "/tickets/find/code/"
    sms = SmsMessage.objects.get()
    assert sms.phone == GUEST_PHONE
    assert guest_ticket.number in sms.text
    code_from(sms.text)
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("number", "contact"),
    [
        (None, "stranger@example.ru"),
        (None, "+79990000000"),
        (None, "not a contact"),
        ("2026-9999999", GUEST_EMAIL),
    ],
    ids=["wrong-email", "wrong-phone", "garbage", "wrong-number"],
)
def test_wrong_contact_gets_the_same_answer_and_nothing_is_sent(
    client, guest_ticket, mailoutbox, number, contact
):
    response = lookup(client, number or guest_ticket.number, contact)

    assert response.status_code == 302
    assert response.url == "/tickets/find/code/"
    assert mailoutbox == []
    assert not SmsMessage.objects.exists()
    assert not GuestAccessCode.objects.exists()


def test_lookup_does_not_send_codes_for_a_subscribers_ticket(
    client, ticket, mailoutbox
):
    response = lookup(client, ticket.number, ticket.contact_email)

    assert response.url == "/tickets/find/code/"
    assert mailoutbox == []


def test_lookup_needs_the_captcha(client, guest_ticket, mailoutbox):
    response = client.post(
        "/tickets/find/",
        {
            "number": guest_ticket.number,
            "contact": GUEST_EMAIL,
            "captcha_0": "key",
            "captcha_1": "",
        },
    )

    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors
    assert mailoutbox == []


def test_right_code_opens_the_private_link(client, guest_ticket, mailoutbox):
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    code = code_from(mailoutbox[0].body)

    form = client.get("/tickets/find/code/").context["form"]
    assert form.initial["number"] == guest_ticket.number
    response = enter_code(client, guest_ticket.number, code)

    assert response.status_code == 302
    assert response.url == guest_ticket.get_private_url()
    assert client.get(response.url).status_code == 200


def test_wrong_code_shows_an_error(client, guest_ticket, mailoutbox):
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    code = code_from(mailoutbox[0].body)

    response = enter_code(client, guest_ticket.number, wrong(code))

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "bad_code")
    assert guest_ticket.access_token not in response.content.decode()


def test_code_works_once(client, guest_ticket, mailoutbox):
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    code = code_from(mailoutbox[0].body)
    assert enter_code(client, guest_ticket.number, code).status_code == 302

    response = enter_code(client, guest_ticket.number, code)

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "bad_code")


def test_five_wrong_tries_spoil_the_code(client, guest_ticket, mailoutbox):
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    code = code_from(mailoutbox[0].body)
    for _attempt in range(5):
        assert enter_code(client, guest_ticket.number, wrong(code)).status_code == 200

    response = enter_code(client, guest_ticket.number, code)

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "bad_code")


def test_only_the_latest_code_works(client, guest_ticket, mailoutbox):
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    older, latest = (code_from(message.body) for message in mailoutbox)
    for _attempt in range(5):
        enter_code(client, guest_ticket.number, wrong(latest))

    # The spoiled latest code does not hand its place to the older one.
    response = enter_code(client, guest_ticket.number, older)

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "bad_code")


def test_four_wrong_tries_leave_the_code_working(client, guest_ticket, mailoutbox):
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    code = code_from(mailoutbox[0].body)
    for _attempt in range(4):
        enter_code(client, guest_ticket.number, wrong(code))

    response = enter_code(client, guest_ticket.number, code)

    assert response.status_code == 302


def test_code_expires_after_15_minutes(client, guest_ticket, mailoutbox):
    with freeze_time("2026-03-02 10:00:00") as frozen:
        lookup(client, guest_ticket.number, GUEST_EMAIL)
        code = code_from(mailoutbox[0].body)
        frozen.tick(datetime.timedelta(minutes=15, seconds=1))

        response = enter_code(client, guest_ticket.number, code)

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "bad_code")


def test_code_works_within_15_minutes(client, guest_ticket, mailoutbox):
    with freeze_time("2026-03-02 10:00:00") as frozen:
        lookup(client, guest_ticket.number, GUEST_EMAIL)
        code = code_from(mailoutbox[0].body)
        frozen.tick(datetime.timedelta(minutes=14, seconds=59))

        response = enter_code(client, guest_ticket.number, code)

    assert response.status_code == 302


def test_code_of_one_ticket_does_not_open_another(client, guest_ticket, mailoutbox):
    other = TicketFactory(author=None, contact_email=GUEST_EMAIL)
    lookup(client, guest_ticket.number, GUEST_EMAIL)
    code = code_from(mailoutbox[0].body)

    response = enter_code(client, other.number, code)

    assert response.status_code == 200
    assert response.context["form"].has_error("code", "bad_code")


def test_signed_in_user_without_a_subscriber_sees_the_confirmation(client):
    staff = UserFactory(is_staff=True, subscriber=None)
    client.force_login(staff)

    response = client.post("/feedback/", guest_form())

    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


def test_consent_given_by_a_user_without_a_subscriber_is_recorded(client):
    staff = UserFactory(is_staff=True, subscriber=None)
    client.force_login(staff)

    client.post("/feedback/", guest_form())

    assert Ticket.objects.get().consent is not None


# Limits and languages -------------------------------------------------------------


def test_messages_to_one_ticket_are_limited(client, user, ticket, settings):
    settings.PORTAL_TICKET_MESSAGE_LIMIT = (2, 600)
    client.force_login(user)
    for n in range(2):
        response = client.post(
            detail(ticket), {"action": "message", "body": f"Дополнение {n}"}
        )
        assert response.status_code == 302

    response = client.post(detail(ticket), {"action": "message", "body": "Ещё одно"})

    assert response.status_code == 200
    assert "Слишком много сообщений" in response.content.decode()
    assert ticket.messages.count() == 2


def test_a_guest_writing_in_english_gets_the_acknowledgement_in_english(
    client, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/feedback/", guest_form())

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.language == "en"
    assert "is received" in mail.outbox[-1].subject


def test_a_subscriber_gets_letters_in_the_profile_language(
    client, user, django_capture_on_commit_callbacks
):
    user.language = "en"
    user.save()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", member_form())

    assert Ticket.objects.get().language == "en"
    assert "is received" in mail.outbox[-1].subject


def _log_attached_and_downloaded(client, user, name, content):
    """Attach a file to a new ticket's message as a subscriber; download it."""
    client.force_login(user)
    ticket = TicketFactory(author=user)
    client.post(
        detail(ticket),
        {
            "action": "message",
            "body": "Прикладываю журнал",
            "attachments": [SimpleUploadedFile(name, content)],
        },
    )
    attachment = ticket.attachments.get()
    return client.get(f"{detail(ticket)}files/{attachment.pk}/")


def test_windows_1251_text_is_served_with_its_charset(client, user):
    text = ("Журнал роутера: обрыв PPPoE. " * 4).encode("cp1251")

    response = _log_attached_and_downloaded(client, user, "router.log", text)

    assert response["Content-Type"] == "text/plain; charset=windows-1251"
    assert file_bytes(response).decode("cp1251").startswith("Журнал роутера")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_text_with_its_mark_is_served_as_utf16(client, user, encoding):
    text = "Журнал роутера: обрыв PPPoE, ошибка 651.\n" * 3
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    data = mark.get(encoding, b"") + text.encode(encoding)

    response = _log_attached_and_downloaded(client, user, "router.txt", data)

    assert response["Content-Type"] == "text/plain; charset=utf-16"
    assert file_bytes(response).decode("utf-16") == text


def test_error_summary_links_a_radio_group_to_its_first_choice(client):
    response = client.post("/feedback/", guest_form(reply_channel=""))

    assert 'href="#id_reply_channel_0"' in response.content.decode()
