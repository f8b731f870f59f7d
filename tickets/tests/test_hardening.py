"""Attacks on tickets and bad input, and how they fail without a 500 or lost data."""

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client

from accounts.models import ServiceType
from accounts.tests.factories import UserFactory
from tickets import services
from tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketCounter,
    TicketEvent,
    Topic,
)
from tickets.tests.factories import PNG, TicketFactory, guest_form_data

pytestmark = pytest.mark.django_db


def guest_form(**overrides):
    return guest_form_data(**overrides)


def test_someone_elses_submission_key_does_not_reveal_their_ticket(client):
    owner = Client()
    data = guest_form()
    owner.post("/feedback/", data)
    ticket = Ticket.objects.get()

    response = client.post("/feedback/", {**data, "contact_email": "thief@example.ru"})

    assert response.status_code == 200
    assert ticket.access_token not in response.content.decode()
    assert ticket.number not in response.content.decode()
    assert "Форма устарела" in response.content.decode()
    assert client.get(f"/feedback/sent/{ticket.number}/").status_code == 404


def test_the_same_browser_resending_sees_its_confirmation(client):
    data = guest_form()
    client.post("/feedback/", data)

    again = client.post("/feedback/", data)

    assert again.status_code == 302
    assert Ticket.objects.count() == 1


def test_files_of_internal_notes_never_reach_the_subscriber_or_the_guest(client):
    user = UserFactory()
    ticket = TicketFactory(author=user)
    note = Message.objects.create(
        ticket=ticket, kind=Message.Kind.NOTE, body="Для своих"
    )
    attachment = Attachment(
        ticket=ticket,
        message=note,
        original_name="a.png",
        content_type="image/png",
        size=8,
    )
    attachment.file.save("a.png", SimpleUploadedFile("a.png", PNG), save=True)
    client.force_login(user)

    page = client.get(ticket.get_absolute_url()).content.decode()
    direct = client.get(f"{ticket.get_absolute_url()}files/{attachment.pk}/")

    assert "Для своих" not in page
    assert direct.status_code == 404


def test_a_file_missing_from_the_disk_is_a_404_not_a_500(client):
    user = UserFactory()
    ticket = TicketFactory(author=user, with_attachment=True)
    attachment = ticket.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(user)

    response = client.get(f"{ticket.get_absolute_url()}files/{attachment.pk}/")

    assert response.status_code == 404


def test_control_characters_are_dropped_and_a_nul_byte_is_explained(client):
    refused = client.post(
        "/feedback/", guest_form(body="Нет интернета\x00 совсем давно")
    )
    assert refused.status_code == 200
    assert "body" in refused.context["form"].errors
    assert "Нет интернета" in refused.content.decode()

    accepted = client.post(
        "/feedback/", guest_form(body="Нет \x1b[31mинтернета\u200b с утра, помогите")
    )

    assert accepted.status_code == 302
    assert Ticket.objects.get().body == "Нет [31mинтернета с утра, помогите"


def test_a_megabyte_of_text_is_refused_with_the_text_kept(client):
    body = "а" * 1_000_000

    response = client.post("/feedback/", guest_form(body=body))

    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_missing_csrf_token_gets_the_styled_403_and_no_ticket():
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/feedback/", guest_form())

    assert response.status_code == 403
    assert "<html" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_failed_save_leaves_no_half_made_ticket_and_no_file(
    client, monkeypatch, settings
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    # The last write of the transaction: the attachments' rows.
    monkeypatch.setattr(Attachment.objects, "bulk_create", broken)
    upload = SimpleUploadedFile("router.png", PNG, content_type="image/png")
    strict = Client(raise_request_exception=False)

    response = strict.post("/feedback/", guest_form(attachments=[upload]))

    assert response.status_code == 500
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    stored = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert stored == []


def test_a_failed_save_takes_no_number(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    # The guest's consent, the ticket and its files commit together: a write
    # after the ticket's INSERT fails, and the number goes back with it.
    monkeypatch.setattr(services, "_attachments_save", broken)
    Client(raise_request_exception=False).post("/feedback/", guest_form())
    monkeypatch.undo()

    assert client.post("/feedback/", guest_form()).status_code == 302
    assert Ticket.objects.get().number.endswith("-0000001")


def subscriber_ticket_filer(user):
    """Return create(**extra): file a ticket for a signed-in subscriber through
    the service, as the form does, giving (ticket, created). The reference
    rows are read now, so that filing makes no other query."""
    from accounts.services import ClientInfo

    data = {
        "client_category": "individual",
        "service_type": ServiceType.objects.get(code="internet"),
        "topic": Topic.objects.get(code="fault"),
        "connection_address": "Москва, ул. Тестовая, д. 1",
        "body": "Нет интернета",
        "reply_channel": "email",
        "contact_name": user.full_name,
        "contact_email": user.email,
    }

    def create(**extra):
        return services.ticket_create(
            author=user,
            submission_key=uuid.uuid4(),
            client=ClientInfo(ip_address="127.0.0.1"),
            **data,
            **extra,
        )

    return create


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_subscribers_ticket_is_one_statement_and_a_failed_one_takes_no_number(
    require_postgres, reference_data, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    create = subscriber_ticket_filer(UserFactory())

    published = []
    monkeypatch.setattr(
        services,
        "ticket_route_publish",
        lambda ticket_ids: published.append((ticket_ids, connection.in_atomic_block)),
    )
    with CaptureQueriesContext(connection) as queries:
        first, created = create()
    # Number and ticket: one INSERT … RETURNING, its own transaction, then
    # the hand-off to routing.
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 1, sql
    assert "ticket_number_next" in sql[0]
    assert published == [([first.pk], False)]
    assert created
    assert first.number.endswith("-0000001")
    assert Ticket.objects.get(pk=first.pk).number == first.number

    with pytest.raises(IntegrityError):  # the same private link: refused
        create(access_token=first.access_token)

    second, _created = create()
    assert second.number.endswith("-0000002")
    TicketCounter.objects.update(last=9_999_999)  # past seven digits: longer
    assert create()[0].number.endswith("-10000000")
    assert not TicketEvent.objects.exists()  # the history starts from the ticket


def test_a_guests_acknowledgement_greets_without_the_typed_name(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/feedback/", guest_form(contact_name="Зайдите на evil.example"))

    assert "evil.example" not in mail.outbox[0].body


def test_the_ticket_page_takes_the_same_queries_for_more_files(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    ticket = TicketFactory(author=user, with_attachment=True)
    client.force_login(user)
    for n in range(5):
        client.post(
            ticket.get_absolute_url(),
            {
                "action": "message",
                "body": f"Ещё скриншот {n}",
                "attachments": [SimpleUploadedFile(f"s{n}.png", PNG)],
            },
        )

    with django_assert_max_num_queries(12):
        response = client.get(ticket.get_absolute_url())

    assert response.content.decode().count("/files/") == 6


@pytest.mark.services
def test_inside_a_callers_transaction_a_failed_ticket_undoes_only_itself(
    require_postgres,
):
    from django.db import transaction

    filer = subscriber_ticket_filer(UserFactory())

    def create(**extra):
        return filer(**extra)[0]

    with transaction.atomic():
        first = create()
        with pytest.raises(IntegrityError):
            create(access_token=first.access_token)
        # The caller's transaction goes on: the failed insert had a savepoint.
        second = create()

    assert first.number.endswith("-0000001")
    assert second.number.endswith("-0000002")
    assert TicketCounter.objects.get().last == 2
