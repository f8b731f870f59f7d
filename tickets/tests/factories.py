"""Builders of tickets for the tests: real tickets filed through the service."""

import uuid

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ServiceType
from accounts.services import ClientInfo
from tickets.files import attachment_inspect
from tickets.models import Topic
from tickets.services import ticket_create

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png_upload(name="screen.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


class TicketFactory(factory.Factory):
    """File a ticket through ``ticket_create`` for ``author`` (a user; None: a guest).

    ``with_attachment=True`` attaches one PNG.
    """

    class Meta:
        model = dict

    author = None
    topic = factory.LazyFunction(lambda: Topic.objects.get(code="fault"))
    service_type = factory.LazyFunction(
        lambda: ServiceType.objects.get(code="internet")
    )
    body = "Нет интернета с утра, перезагрузка роутера не помогла."
    reply_channel = "email"
    contact_email = "guest@example.ru"
    connection_address = "Москва, ул. Тестовая, д. 1"
    with_attachment = False

    @classmethod
    def _create(cls, model_class, *, author, with_attachment, **data):
        from django.contrib.auth.models import AnonymousUser

        files = [attachment_inspect(png_upload())] if with_attachment else []
        if author is not None:
            data.setdefault("client_category", author.subscriber.category)
            data.setdefault("contact_name", author.get_full_name())
            data["contact_email"] = author.email
        else:
            data.setdefault("client_category", "individual")
            data.setdefault("contact_name", "Гость Гостев")
        ticket, _created = ticket_create(
            author=author or AnonymousUser(),
            submission_key=uuid.uuid4(),
            client=ClientInfo(ip_address="10.0.0.9"),
            files=files,
            **data,
        )
        return ticket

    @classmethod
    def _build(cls, model_class, **kwargs):
        return cls._create(model_class, **kwargs)


def guest_form_data(**overrides) -> dict:
    """What a guest types into a valid feedback form; ``None`` leaves a field out."""
    data = {
        "submission_key": str(uuid.uuid4()),
        "service_type": ServiceType.objects.get(code="internet").pk,
        "service_number": "ivanov-123",
        "client_category": "individual",
        "topic": Topic.objects.get(code="fault").pk,
        "connection_address": "Москва, ул. Лесная, д. 5, кв. 12",
        "body": "Нет интернета с утра, перезагрузка роутера не помогла.",
        "reply_channel": "email",
        "contact_name": "Иванов Иван",
        "contact_email": "guest@example.ru",
        "contact_phone": "",
        "consent": "on",
        "captcha_0": "key",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
