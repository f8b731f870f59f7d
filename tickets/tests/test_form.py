"""The feedback form at /feedback/: what it refuses, what it keeps, what it files."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from accounts.tests.factories import (
    OrganisationFactory,
    PersonalAccountFactory,
    ServiceFactory,
    TariffFactory,
    UserFactory,
    service_type,
)
from tickets.models import Attachment, Ticket, TicketEvent, Topic
from tickets.tests.factories import PNG, guest_form_data, png_upload

pytestmark = pytest.mark.django_db

FEEDBACK = "/feedback/"
NUMBER = re.compile(r"^\d{4}-\d{7}$")
BODY = "Нет интернета с утра, перезагрузка роутера не помогла."
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + (
    b"\x00" * 64
)
# Typed values that must come back in the re-rendered page after an error.
TEXT_FIELDS = (
    "service_number",
    "account_number",
    "connection_address",
    "body",
    "claim_demands",
    "contact_name",
    "contact_email",
    "contact_phone",
)


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


def topic(code: str) -> Topic:
    return Topic.objects.get(code=code)


def guest_data(**overrides) -> dict:
    """What a guest types into a valid form; ``None`` leaves a field out."""
    return guest_form_data(
        **{
            "account_number": "",
            "topic": topic("fault").pk,
            "body": BODY,
            "contact_name": "Иванов Иван Иванович",
            "contact_email": "ivanov@example.ru",
            **overrides,
        }
    )


def member_data(**overrides) -> dict:
    """What a signed-in subscriber sends: no contacts, consent or captcha."""
    data = {
        "submission_key": str(uuid.uuid4()),
        "service": "",
        "service_type": "",
        "account": "",
        "topic": topic("setup").pk,
        "connection_address": "",
        "body": BODY,
        "reply_channel": "email",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submission_key_from_page(client) -> str:
    html = client.get(FEEDBACK).content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', html).group(1)


def file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def assert_refused(response, field, code=None, *, beside=True):
    """The form comes back with the message beside ``field`` and nothing is filed."""
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors.as_data()
    if code is not None:
        assert form.has_error(field, code), form.errors.as_data()
    assert not Ticket.objects.exists()
    # The message is shown in the summary at the top and next to the field.
    html = response.content.decode()
    for message in form.errors[field]:
        assert html.count(escape(message)) >= (2 if beside else 1), message


def assert_kept(response, data):
    """Everything typed comes back in the page."""
    html = response.content.decode()
    for name in TEXT_FIELDS:
        if data.get(name) and name in response.context["form"].fields:
            assert escape(data[name]) in html, name
    for name in ("service_type", "topic", "service", "account"):
        if data.get(name) and name in response.context["form"].fields:
            assert re.search(
                rf'<select name="{name}".*?<option value="{data[name]}" selected>',
                html,
                re.S,
            ), name
    for name in ("reply_channel", "client_category", "claim_answer_form"):
        if data.get(name) and name in response.context["form"].fields:
            assert re.search(
                rf'name="{name}" value="{data[name]}"[^>]*checked', html
            ), name
    if "submission_key" in data:
        assert f'value="{data["submission_key"]}"' in html


def post(client, data, **extra):
    return client.post(FEEDBACK, data, **extra)


# Who sees which fields ------------------------------------------------------------


def test_guest_form_asks_contacts_consent_and_captcha(client):
    response = client.get(FEEDBACK)

    fields = response.context["form"].fields
    for name in ("contact_name", "contact_email", "contact_phone", "consent"):
        assert name in fields
    assert "captcha" in fields
    assert "service" not in fields
    assert "account" not in fields
    html = response.content.decode()
    assert 'name="consent"' in html
    assert 'name="captcha_1"' in html


def test_signed_in_form_leaves_out_contacts_the_profile_has(client, user):
    client.force_login(user)

    response = client.get(FEEDBACK)

    fields = response.context["form"].fields
    for name in ("contact_name", "contact_email", "contact_phone"):
        assert name not in fields
    for name in ("consent", "captcha", "client_category"):
        assert name not in fields
    assert "service" in fields
    assert "account" in fields
    html = response.content.decode()
    for name in ("contact_name", "contact_email", "contact_phone", "captcha_1"):
        assert f'name="{name}"' not in html
    assert 'name="consent"' not in html


def test_signed_in_form_asks_the_phone_when_the_profile_has_none(client, other_user):
    client.force_login(other_user)

    response = client.get(FEEDBACK)

    assert "contact_phone" in response.context["form"].fields
    assert "contact_email" not in response.context["form"].fields
    assert 'name="contact_phone"' in response.content.decode()


def test_signed_in_form_offers_only_own_services_and_accounts(client, user, other_user):
    client.force_login(user)

    form = client.get(FEEDBACK).context["form"]

    assert list(form.fields["service"].queryset) == list(
        user.subscriber.accounts.get().services.all()
    )
    assert list(form.fields["account"].queryset) == list(user.subscriber.accounts.all())


# Guest: every rule -----------------------------------------------------------------


def test_guest_must_choose_the_service_type(client):
    data = guest_data(service_type="")

    response = post(client, data)

    assert_refused(response, "service_type", "required")
    assert_kept(response, data)


def test_inactive_or_unknown_service_type_is_refused(client):
    data = guest_data(service_type="999999")

    response = post(client, data)

    assert_refused(response, "service_type", "invalid_choice")


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [
        ("mobile", "8 495 123-45-67", "not_mobile"),
        ("mobile", "12345", "invalid_phone_number"),
        ("home_phone", "8 912 345-67-89", "not_landline"),
        ("internet", "иванов", "invalid_login"),
        ("internet", "ab", "invalid_login"),
        ("tv", "box id with spaces", "invalid_login"),
    ],
)
def test_service_number_must_fit_the_service_type(client, kind, number, code):
    data = guest_data(service_type=service_type(kind).pk, service_number=number)

    response = post(client, data)

    assert_refused(response, "service_number", code)
    assert_kept(response, data)


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("mobile", "8 (912) 345-67-89", "+79123456789"),
        ("home_phone", "8 495 123-45-67", "+74951234567"),
        ("internet", "  Ivanov-123 ", "ivanov-123"),
    ],
)
def test_service_number_is_stored_in_its_normal_form(client, kind, number, stored):
    response = post(
        client, guest_data(service_type=service_type(kind).pk, service_number=number)
    )

    assert response.status_code == 302
    assert Ticket.objects.get().service_number == stored


def test_service_number_longer_than_64_characters_is_refused(client):
    data = guest_data(service_number="a" * 65)

    response = post(client, data)

    assert_refused(response, "service_number", "max_length")
    assert_kept(response, data)


def test_account_number_of_a_wrong_format_is_refused_with_an_example(client):
    data = guest_data(account_number="12345")

    response = post(client, data)

    assert_refused(response, "account_number", "invalid_account_number")
    assert "100012345678" in response.context["form"].errors["account_number"][0]
    assert_kept(response, data)


def test_account_number_with_spaces_is_stored_as_digits(client):
    response = post(client, guest_data(account_number="1000 1234 5678"))

    assert response.status_code == 302
    assert Ticket.objects.get().account_number == "100012345678"


def test_topic_is_required(client):
    data = guest_data(topic="")

    response = post(client, data)

    assert_refused(response, "topic", "required")
    assert_kept(response, data)


def test_topic_for_other_services_is_refused(client):
    topic("setup").service_types.add(service_type("tv"))
    data = guest_data(topic=topic("setup").pk)

    response = post(client, data)

    assert_refused(response, "topic", "topic_not_for_service")


def test_fault_without_account_number_or_address_is_refused(client):
    data = guest_data(topic=topic("fault").pk, connection_address="")

    response = post(client, data)

    assert_refused(response, "account_number", "account_or_address_required")
    assert_kept(response, data)


@pytest.mark.parametrize(
    "given",
    [
        {"account_number": "100012345678", "connection_address": ""},
        {"account_number": "", "connection_address": "Москва, ул. Лесная, д. 5"},
    ],
    ids=["account-number", "address"],
)
def test_fault_with_account_number_or_address_is_accepted(client, given):
    response = post(client, guest_data(topic=topic("fault").pk, **given))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.account_number == given["account_number"]
    assert ticket.connection_address == given["connection_address"]


def test_topic_without_the_rule_needs_neither_account_nor_address(client):
    response = post(client, guest_data(topic=topic("thanks").pk, connection_address=""))

    assert response.status_code == 302


def test_claim_requires_demands_and_the_form_of_the_answer(client):
    data = guest_data(topic=topic("claim").pk)

    response = post(client, data)

    assert_refused(response, "claim_demands", "claim_demands")
    assert_refused(response, "claim_answer_form", "claim_answer_form")
    assert_kept(response, data)


def test_claim_with_demands_and_answer_form_is_filed(client):
    response = post(
        client,
        guest_data(
            topic=topic("claim").pk,
            claim_demands="Пересчитать абонентскую плату за три дня без связи.",
            claim_answer_form="paper",
        ),
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.claim_demands.startswith("Пересчитать")
    assert ticket.claim_answer_form == "paper"


def test_claim_answer_form_outside_the_choices_is_refused(client):
    data = guest_data(
        topic=topic("claim").pk,
        claim_demands="Вернуть деньги.",
        claim_answer_form="fax",
    )

    response = post(client, data)

    assert_refused(response, "claim_answer_form", "invalid_choice")


def test_other_topics_drop_the_claim_fields(client):
    response = post(
        client,
        guest_data(
            topic=topic("thanks").pk,
            claim_demands="Вернуть деньги.",
            claim_answer_form="paper",
        ),
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.claim_demands == ""
    assert ticket.claim_answer_form == ""


@pytest.mark.parametrize("body", ["", "Нет связи", "   короткий    "])
def test_body_shorter_than_10_characters_is_refused(client, body):
    data = guest_data(body=body)

    response = post(client, data)

    assert_refused(response, "body")
    if body:
        assert response.context["form"].has_error("body", "body_too_short")
        assert_kept(response, {"body": body.strip()})


def test_body_of_exactly_10_characters_is_accepted(client):
    response = post(client, guest_data(body="Нет связи!"))

    assert response.status_code == 302


def test_body_longer_than_5000_characters_is_refused_and_kept(client):
    data = guest_data(body="а" * 5001)

    response = post(client, data)

    assert_refused(response, "body", "max_length")
    assert_kept(response, data)


def test_body_of_5000_characters_is_accepted(client):
    response = post(client, guest_data(body="а" * 5000))

    assert response.status_code == 302
    assert len(Ticket.objects.get().body) == 5000


def test_guest_must_give_a_name(client):
    data = guest_data(contact_name="")

    response = post(client, data)

    assert_refused(response, "contact_name", "required")
    assert_kept(response, data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_name", "Я" * 300),
        ("contact_email", "a" * 250 + "@example.ru"),
        ("connection_address", "д" * 256),
        ("contact_phone", "8" * 33),
        ("account_number", "1" * 41),
    ],
)
def test_values_over_the_length_limit_are_refused(client, field, value):
    data = guest_data(**{field: value})

    response = post(client, data)

    assert_refused(response, field, "max_length")
    assert_kept(response, data)


def test_reply_by_email_requires_the_email(client):
    data = guest_data(reply_channel="email", contact_email="", contact_phone="")

    response = post(client, data)

    assert_refused(response, "contact_email", "email_required_for_channel")
    assert_kept(response, data)


def test_malformed_email_is_refused(client):
    data = guest_data(contact_email="ivanov@")

    response = post(client, data)

    assert_refused(response, "contact_email", "invalid")
    assert_kept(response, data)


@pytest.mark.parametrize(
    "phone",
    ["12345", "8 800", "+7 701 123-45-67", "+1 202 555 0100", "телефон"],
    ids=["short", "incomplete", "kazakhstan", "usa", "letters"],
)
def test_reply_by_phone_refuses_a_number_that_is_not_russian(client, phone):
    data = guest_data(reply_channel="phone", contact_phone=phone)

    response = post(client, data)

    assert_refused(response, "contact_phone", "invalid_phone_number")
    assert_kept(response, data)


def test_reply_by_phone_requires_the_phone(client):
    data = guest_data(reply_channel="phone", contact_phone="")

    response = post(client, data)

    assert_refused(response, "contact_phone", "phone_required_for_channel")
    assert_kept(response, data)


@pytest.mark.parametrize(
    ("channel", "chosen", "stored"),
    [("phone", "evening", "evening"), ("phone", "", ""), ("email", "morning", "")],
)
def test_the_time_to_call_is_kept_for_an_answer_by_phone(
    client, channel, chosen, stored
):
    data = guest_data(
        reply_channel=channel, contact_phone="8 912 3456789", callback_time=chosen
    )

    assert post(client, data).status_code == 302

    assert Ticket.objects.get().callback_time == stored


def test_a_time_to_call_outside_the_choices_is_refused_and_the_rest_kept(client):
    data = guest_data(
        reply_channel="phone", contact_phone="8 912 3456789", callback_time="night"
    )

    response = post(client, data)

    assert_refused(response, "callback_time", "invalid_choice")
    assert_kept(response, {k: v for k, v in data.items() if k != "callback_time"})


def test_reply_by_phone_stores_the_phone_in_e164(client):
    response = post(
        client,
        guest_data(
            reply_channel="phone", contact_email="", contact_phone="8 912 3456789"
        ),
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.reply_channel == "phone"
    assert str(ticket.contact_phone) == "+79123456789"


@pytest.mark.parametrize(
    ("field", "value"),
    [("reply_channel", "pigeon"), ("client_category", "alien")],
)
def test_choices_outside_the_list_are_refused(client, field, value):
    response = post(client, guest_data(**{field: value}))

    assert_refused(response, field, "invalid_choice")


def test_guest_must_consent(client):
    data = guest_data(consent=None)

    response = post(client, data)

    assert_refused(response, "consent", "required")
    assert_kept(response, data)


def test_guest_consent_is_recorded_with_the_ticket(client):
    post(client, guest_data(), REMOTE_ADDR="198.51.100.7")

    consent = Ticket.objects.get().consent
    assert consent is not None
    assert consent.given
    assert consent.email == "ivanov@example.ru"
    assert consent.ip_address == "198.51.100.7"


@pytest.mark.parametrize(
    "captcha",
    [{"captcha_1": ""}, {"captcha_0": None, "captcha_1": None}],
    ids=["empty-answer", "missing"],
)
def test_guest_must_solve_the_captcha(client, captcha):
    data = guest_data(**captcha)

    response = post(client, data)

    assert_refused(response, "captcha")
    assert_kept(response, data)


def test_wrong_captcha_is_refused(client):
    data = guest_data(captcha_1="WRONG")

    response = post(client, data)

    assert_refused(response, "captcha")
    assert_kept(response, data)


@pytest.mark.parametrize("key", [None, "", "not-a-uuid"])
def test_a_lost_or_damaged_submission_key_does_not_trap_the_visitor(client, key):
    response = post(client, guest_data(submission_key=key))

    # The visitor cannot see or fix the hidden key: the form makes a new one.
    assert response.status_code == 302
    assert Ticket.objects.count() == 1


def test_every_error_is_shown_at_once_and_all_typed_is_kept(client):
    data = guest_data(
        service_type=service_type("mobile").pk,
        service_number="8 495 123-45-67",
        topic=topic("claim").pk,
        connection_address="",
        body="Плохо <b>всё</b> & 'везде' \"совсем\".",
        reply_channel="phone",
        contact_phone="123",
        consent=None,
    )

    response = post(client, data)

    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {
        "service_number",
        "account_number",
        "claim_demands",
        "claim_answer_form",
        "contact_phone",
        "consent",
    }
    assert_kept(response, data)
    assert not Ticket.objects.exists()


# Signed-in subscriber -----------------------------------------------------------


def test_signed_in_subscriber_files_without_contacts_consent_or_captcha(client, user):
    client.force_login(user)

    response = post(client, member_data(service_type=service_type("internet").pk))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.subscriber == user.subscriber
    assert ticket.author == user
    assert ticket.consent is None


def test_signed_in_ticket_takes_category_and_contacts_from_the_profile(client):
    organisation = OrganisationFactory()
    user = UserFactory(
        subscriber=organisation, full_name="Белова Ирина", phone="+79161234567"
    )
    client.force_login(user)

    response = post(
        client,
        member_data(
            service_type=service_type("internet").pk,
            reply_channel="phone",
            # Not in the form: the profile wins over anything posted.
            contact_name="Подставной",
            client_category="individual",
        ),
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.client_category == "legal_entity"
    assert ticket.contact_name == "Белова Ирина"
    assert ticket.contact_email == user.email
    assert str(ticket.contact_phone) == "+79161234567"
    assert ticket.reply_channel == "phone"


def test_choosing_a_service_fills_type_number_and_account(client, user):
    service = user.subscriber.accounts.get().services.get()
    client.force_login(user)

    response = post(client, member_data(service=service.pk, topic=topic("fault").pk))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.service_type == service.service_type
    assert ticket.service_number == service.number
    assert ticket.account == service.account
    assert ticket.account_number == service.account.number
    # The account's address answers the fault topic's rule.
    assert ticket.connection_address == service.account.address


def test_a_service_with_another_of_ones_accounts_is_refused(client, user):
    service = user.subscriber.accounts.get().services.get()
    other = PersonalAccountFactory(subscriber=user.subscriber)
    client.force_login(user)

    response = post(client, member_data(service=service.pk, account=other.pk))

    assert_refused(response, "account", "service_on_other_account")
    assert service.account.number in response.content.decode()
    assert_kept(response, {"body": BODY})


def test_another_subscribers_service_is_an_invalid_choice(client, user, other_user):
    foreign = other_user.subscriber.accounts.get().services.get()
    client.force_login(user)
    data = member_data(service=foreign.pk)

    response = post(client, data)

    assert_refused(response, "service", "invalid_choice")
    assert_kept(response, {"body": BODY})


def test_another_subscribers_account_is_an_invalid_choice(client, user, other_user):
    foreign = other_user.subscriber.accounts.get()
    client.force_login(user)

    response = post(
        client,
        member_data(service_type=service_type("internet").pk, account=foreign.pk),
    )

    assert_refused(response, "account", "invalid_choice")


def test_signed_in_without_service_must_choose_the_service_type(client, user):
    client.force_login(user)
    data = member_data(service="", service_type="")

    response = post(client, data)

    assert_refused(response, "service_type", "required")
    assert_kept(response, data)


def test_signed_in_fault_without_account_or_address_is_refused(client, user):
    client.force_login(user)
    data = member_data(service_type=service_type("tv").pk, topic=topic("fault").pk)

    response = post(client, data)

    assert_refused(response, "account", "account_or_address_required")
    assert_kept(response, data)


def test_signed_in_without_phone_must_give_one_to_be_called(client, other_user):
    client.force_login(other_user)
    data = member_data(service_type=service_type("internet").pk, reply_channel="phone")

    response = post(client, data)

    assert_refused(response, "contact_phone", "phone_required_for_channel")
    assert_kept(response, data)


def test_signed_in_without_phone_types_one_and_it_is_stored(client, other_user):
    client.force_login(other_user)

    response = post(
        client,
        member_data(
            service_type=service_type("internet").pk,
            reply_channel="phone",
            contact_phone="+7 (912) 000-11-22",
        ),
    )

    assert response.status_code == 302
    assert str(Ticket.objects.get().contact_phone) == "+79120001122"


def test_signed_in_without_accounts_types_the_account_number(client):
    user = UserFactory()
    client.force_login(user)
    form = client.get(FEEDBACK).context["form"]
    assert "account_number" in form.fields
    assert "service_number" in form.fields

    response = post(
        client,
        member_data(
            service=None,
            account=None,
            service_type=service_type("mobile").pk,
            service_number="8 912 345 67 89",
            account_number="12345",
        ),
    )

    assert_refused(response, "account_number", "invalid_account_number")


def test_signed_in_without_accounts_sees_the_address_rule_beside_the_number(client):
    client.force_login(UserFactory())
    data = member_data(
        service=None,
        account=None,
        service_type=service_type("tv").pk,
        topic=topic("fault").pk,
    )

    response = post(client, data)

    assert_refused(response, "account_number", "account_or_address_required")
    fields = response.context["form"].fields
    assert "account" not in fields
    assert "service" not in fields
    assert_kept(response, data)


def test_signed_in_with_accounts_gets_the_lists_back_after_an_error(client, user):
    client.force_login(user)

    response = post(client, member_data(body="коротко"))

    assert_refused(response, "body", "body_too_short")
    fields = response.context["form"].fields
    assert "service" in fields
    assert "account" in fields
    assert "account_number" not in fields


def topic_choices(client) -> list[str]:
    html = client.get(FEEDBACK).content.decode()
    select = re.search(r'<select name="topic".*?</select>', html, re.S).group()
    return re.findall(r'<option value="(\d+)"', select)


def test_a_topic_switched_off_in_the_admin_leaves_the_form_at_once(client, admin_user):
    offered = topic("fault")
    assert str(offered.pk) in topic_choices(client)
    client.force_login(admin_user)
    change = f"/admin/tickets/topic/{offered.pk}/change/"
    form = client.get(change).context["adminform"].form
    data = {
        **{key: value for key, value in form.initial.items() if value is not None},
        "service_types": [item.pk for item in form.initial["service_types"]],
        "is_active": "",
    }
    data.pop("id", None)

    assert client.post(change, data).status_code == 302
    client.logout()

    assert str(offered.pk) not in topic_choices(client)
    response = post(client, guest_data(topic=offered.pk))
    assert_refused(response, "topic", "invalid_choice")


# Attachments ---------------------------------------------------------------------


def test_several_files_of_allowed_types_are_attached(client):
    files = [
        png_upload("экран.png"),
        file("счёт.pdf", PDF),
        file("notes.txt", "Роутер мигает красным.\nПерезагрузка не помогла.".encode()),
        file(
            "router.log", b"2026-03-01 10:00:01 WAN down\n2026-03-01 10:00:05 retry\n"
        ),
        file("старый.txt", ("Текст в кодировке Windows-1251. " * 4).encode("cp1251")),
    ]

    response = post(client, {**guest_data(), "attachments": files})

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    stored = {a.original_name: a for a in ticket.attachments.all()}
    assert set(stored) == {
        "экран.png",
        "счёт.pdf",
        "notes.txt",
        "router.log",
        "старый.txt",
    }
    assert stored["экран.png"].content_type == "image/png"
    assert stored["счёт.pdf"].content_type == "application/pdf"
    assert stored["notes.txt"].content_type.startswith("text/plain")
    assert stored["счёт.pdf"].size == len(PDF)
    with stored["счёт.pdf"].file.open("rb") as handle:
        assert handle.read() == PDF
    assert all(a.message is None for a in stored.values())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("scan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        (
            "picture.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        ),
        ("notes.txt", b"<html><body>hello</body></html>"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 128),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 128),
        ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 128),
        ("data.bin", bytes(range(256)) * 4),
    ],
    ids=[
        "html-as-pdf",
        "svg",
        "svg-as-png",
        "html-as-txt",
        "exe",
        "exe-as-pdf",
        "zip",
        "binary",
    ],
)
def test_files_of_other_types_are_refused_by_their_content(client, name, content):
    data = guest_data()

    response = post(client, {**data, "attachments": [file(name, content)]})

    assert_refused(response, "attachments", "file_type")
    assert_kept(response, data)
    assert not Attachment.objects.exists()


def test_more_than_five_files_are_refused(client):
    data = guest_data()

    response = post(
        client, {**data, "attachments": [png_upload(f"{n}.png") for n in range(6)]}
    )

    assert_refused(response, "attachments", "too_many_files")
    assert_kept(response, data)


def test_five_files_are_accepted(client):
    response = post(
        client,
        {**guest_data(), "attachments": [png_upload(f"{n}.png") for n in range(5)]},
    )

    assert response.status_code == 302
    assert Attachment.objects.count() == 5


def test_a_file_over_the_size_limit_is_refused(client, settings):
    settings.PORTAL_ATTACHMENT_MAX_SIZE = len(PNG) - 1

    response = post(client, {**guest_data(), "attachments": [png_upload()]})

    assert_refused(response, "attachments", "file_too_large")


def test_a_file_of_exactly_the_size_limit_is_accepted(client, settings):
    settings.PORTAL_ATTACHMENT_MAX_SIZE = len(PNG)

    response = post(client, {**guest_data(), "attachments": [png_upload()]})

    assert response.status_code == 302


def test_files_over_the_total_limit_are_refused(client, settings):
    settings.PORTAL_ATTACHMENT_MAX_SIZE = len(PNG)
    settings.PORTAL_ATTACHMENT_MAX_TOTAL = len(PNG) * 2 - 1

    response = post(
        client,
        {**guest_data(), "attachments": [png_upload("a.png"), png_upload("b.png")]},
    )

    assert_refused(response, "attachments", "files_too_large")


def test_an_empty_file_is_refused(client):
    response = post(client, {**guest_data(), "attachments": [file("empty.txt", b"")]})

    assert_refused(response, "attachments")


def test_invalid_form_with_files_asks_to_choose_them_again(client):
    data = guest_data(body="short")

    response = post(client, {**data, "attachments": [png_upload()]})

    assert_refused(response, "body")
    assert response.context["form"].files_dropped is True
    assert 'class="alert alert-warning" role="status"' in response.content.decode()
    assert_kept(response, {"body": "short"})


def test_invalid_form_without_files_does_not_mention_files(client):
    response = post(client, guest_data(body="short"))

    assert response.context["form"].files_dropped is False
    assert 'class="alert alert-warning" role="status"' not in response.content.decode()


def _multipart(fields: dict, filename: str, content: bytes):
    """A raw multipart body: the test client would strip the path from the name."""
    boundary = "----portal-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="attachments"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.png",
        "..\\..\\windows\\system.ini.png",
        "/var/www/.htaccess.png",
        "scr\x07een\x1b[31m\t.png",
        "....png",
    ],
    ids=["unix-path", "windows-path", "absolute", "control-chars", "dots"],
)
def test_file_names_are_sanitised(client, filename):
    body, content_type = _multipart(guest_data(), filename, PNG)

    response = client.post(FEEDBACK, body, content_type=content_type)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    name = attachment.original_name
    assert "/" not in name
    assert "\\" not in name
    assert ".." not in name
    assert not name.startswith(".")
    assert all(ch.isprintable() for ch in name)
    assert name.endswith(".png")


def test_stored_file_name_is_generated_and_hides_the_typed_name(client):
    response = post(
        client, {**guest_data(), "attachments": [png_upload("Паспорт Иванова.png")]}
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "Паспорт Иванова.png"
    assert re.fullmatch(r"tickets/\d{4}/\d{2}/[0-9a-f]{32}", attachment.file.name)
    assert "Паспорт" not in attachment.file.name
    assert "Иванова" not in attachment.file.name


def test_png_named_txt_gets_the_png_ending(client):
    post(client, {**guest_data(), "attachments": [png_upload("photo.txt")]})

    attachment = Attachment.objects.get()
    assert attachment.original_name.endswith(".png")
    assert attachment.content_type == "image/png"


def test_jpeg_ending_is_kept(client):
    post(client, {**guest_data(), "attachments": [file("фото.jpeg", JPEG)]})

    attachment = Attachment.objects.get()
    assert attachment.original_name == "фото.jpeg"
    assert attachment.content_type == "image/jpeg"


def test_text_without_an_ending_is_named_txt(client):
    post(
        client, {**guest_data(), "attachments": [file("README", b"plain text here\n")]}
    )

    attachment = Attachment.objects.get()
    assert attachment.original_name == "README.txt"
    assert attachment.content_type.startswith("text/plain")


# Success -------------------------------------------------------------------------


def test_guest_ticket_is_filed_and_the_confirmation_shows_its_number(client):
    key = submission_key_from_page(client)

    response = post(
        client, {**guest_data(submission_key=key), "attachments": [png_upload()]}
    )

    assert response.status_code == 302
    match = re.fullmatch(r"/feedback/sent/(?P<number>[^/]+)/", response.url)
    assert match
    number = match["number"]
    assert NUMBER.match(number)
    ticket = Ticket.objects.get()
    assert ticket.number == number
    assert str(ticket.submission_key) == key
    assert ticket.subscriber is None
    assert ticket.author is None
    assert ticket.status == Ticket.Status.NEW
    assert ticket.topic.code == "fault"
    assert ticket.service_type.code == "internet"
    assert ticket.service_number == "ivanov-123"
    assert ticket.body == BODY
    assert ticket.contact_name == "Иванов Иван Иванович"
    assert ticket.contact_email == "ivanov@example.ru"
    assert ticket.attachments.count() == 1
    # Received and waiting for routing: read from the ticket, nothing stored.
    assert [event.kind for event in ticket.history_start()] == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.ROUTING_PENDING,
    ]
    assert not ticket.events.exists()
    page = client.get(response.url)
    assert page.status_code == 200
    assert number in page.content.decode()


def test_ticket_numbers_follow_each_other(client):
    first = post(client, guest_data()).url
    second = post(client, guest_data()).url

    numbers = [url.rstrip("/").rsplit("/", 1)[1] for url in (first, second)]
    assert int(numbers[1][-7:]) == int(numbers[0][-7:]) + 1


def test_double_click_files_one_ticket(client):
    data = guest_data()

    first = post(client, {**data, "attachments": [png_upload()]})
    second = post(client, {**data, "attachments": [png_upload()]})

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Ticket.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_double_click_of_a_subscriber_files_one_ticket(client, user):
    client.force_login(user)
    data = member_data(service_type=service_type("internet").pk)

    first = post(client, data)
    second = post(client, data)

    assert first.url == second.url
    assert Ticket.objects.count() == 1


def test_choosing_a_mobile_service_files_its_phone_number(client, user):
    account = user.subscriber.accounts.get()
    mobile = ServiceFactory(
        account=account,
        tariff=TariffFactory(service_type=service_type("mobile")),
        number="+79160000000",
    )
    client.force_login(user)

    response = post(client, member_data(service=mobile.pk))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.service_type.code == "mobile"
    assert ticket.service_number == "+79160000000"


def test_signed_in_user_without_a_name_can_still_file(client):
    user = UserFactory(full_name="")
    ServiceFactory(account=PersonalAccountFactory(subscriber=user.subscriber))
    client.force_login(user)

    response = post(client, member_data(service_type=service_type("internet").pk))

    assert response.status_code in (200, 302)
