"""Builders of subscribers, users, accounts and services for the tests."""

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import (
    ClientCategory,
    PersonalAccount,
    Service,
    ServiceType,
    Subscriber,
    Tariff,
    User,
)

PASSWORD = "Correct-Horse-2026"


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    category = ClientCategory.INDIVIDUAL
    name = factory.Sequence(lambda n: f"Абонентов Абонент {n}")


class OrganisationFactory(SubscriberFactory):
    category = ClientCategory.LEGAL_ENTITY
    name = factory.Sequence(lambda n: f"ООО «Организация {n}»")
    inn = "7704123450"
    kpp = "770401001"
    ogrn = "1027700123450"


class UserFactory(factory.django.DjangoModelFactory):
    """An active subscriber's user with a confirmed e-mail and PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.ru")
    full_name = factory.Sequence(lambda n: f"Абонентов Абонент {n}")
    subscriber = factory.SubFactory(
        SubscriberFactory, name=factory.SelfAttribute("..full_name")
    )
    email_confirmed_at = factory.LazyFunction(timezone.now)
    phone = ""
    # A phone given to the factory counts as confirmed by SMS.
    phone_confirmed_at = factory.LazyAttribute(
        lambda user: timezone.now() if user.phone else None
    )
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def service_type(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code)


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff
        django_get_or_create = ("service_type", "name")

    service_type = factory.LazyFunction(lambda: service_type("internet"))
    name = factory.Sequence(lambda n: f"Тариф {n}")
    monthly_fee = Decimal("650.00")
    speed_mbps = 100


class PersonalAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalAccount

    number = factory.Sequence(lambda n: f"{200000000000 + n}")
    contract_number = factory.Sequence(lambda n: f"Д-2026-{n:04d}")
    subscriber = factory.SubFactory(SubscriberFactory)
    city = "Москва"
    region = "Москва"
    address = factory.Sequence(lambda n: f"ул. Тестовая, д. {n}")
    balance = Decimal("100.00")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    account = factory.SubFactory(PersonalAccountFactory)
    tariff = factory.SubFactory(TariffFactory)
    service_type = factory.SelfAttribute("tariff.service_type")
    number = factory.Sequence(lambda n: f"login-{n}")
