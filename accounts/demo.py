"""Demo subscribers for ``make run``: individuals and two organisations, their
personal accounts in several cities, services of every type, some with debt.

Idempotent: rows are found by their natural keys (e-mail, account number) and
created only when missing. Passwords are public: ``demo_data`` refuses to run
outside DEBUG.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import (
    ClientCategory,
    Consent,
    PersonalAccount,
    Service,
    ServiceType,
    Subscriber,
    Tariff,
    User,
)

FIRST_CONNECTION = datetime.date(2022, 3, 1)
SUBSCRIBER_PASSWORD = "demo-subscriber-2026"  # noqa: S105 - public demo password

TARIFFS = {
    "internet": [
        ("Домашний 100", "650", 100),
        ("Домашний 500", "850", 500),
        ("Гигабит", "1200", 1000),
    ],
    "tv": [("Базовый", "350", None), ("Расширенный", "590", None)],
    "home_phone": [("Безлимитный", "390", None), ("Повременный", "190", None)],
    "mobile": [("Смарт S", "450", None), ("Смарт L", "790", None)],
    "video": [("Облако 7 дней", "300", None), ("Облако 30 дней", "600", None)],
    "smart_home": [("Умный дом Старт", "250", None)],
}


@dataclass(frozen=True)
class DemoAccount:
    number: str
    contract: str
    city: str
    region: str
    address: str
    balance: str
    debt: str = "0"
    status: str = "active"
    # (service type code, number, tariff name, status)
    services: tuple = ()


@dataclass(frozen=True)
class DemoSubscriber:
    name: str
    users: tuple  # (full name, e-mail, phone or "")
    accounts: tuple
    category: str = ClientCategory.INDIVIDUAL
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    contact_person: str = ""
    reply_channel: str = "email"
    extra: dict = field(default_factory=dict)


SUBSCRIBERS = [
    DemoSubscriber(
        "Смирнова Анна Сергеевна",
        (("Смирнова Анна Сергеевна", "anna.smirnova@portal.example", "+79123456789"),),
        (
            DemoAccount(
                "100000000001",
                "Д-2026-0001",
                "Москва",
                "Москва",
                "ул. Профсоюзная, д. 12, кв. 45",
                "412.50",
                services=(
                    ("internet", "smirnova-a", "Домашний 500", "active"),
                    ("tv", "stb-001245", "Расширенный", "active"),
                    ("home_phone", "+74951234567", "Безлимитный", "active"),
                ),
            ),
            DemoAccount(
                "100000000002",
                "Д-2026-0002",
                "Москва",
                "Московская область",
                "г. Одинцово, ул. Садовая, д. 3",
                "-320.00",
                debt="320.00",
                status="blocked",
                services=(
                    ("mobile", "+79161234567", "Смарт L", "suspended"),
                    ("video", "cam-odin-3", "Облако 7 дней", "suspended"),
                ),
            ),
        ),
    ),
    DemoSubscriber(
        "Иванов Пётр Алексеевич",
        (("Иванов Пётр Алексеевич", "petr.ivanov@portal.example", "+79219876543"),),
        (
            DemoAccount(
                "100000000003",
                "Д-2026-0003",
                "Санкт-Петербург",
                "Санкт-Петербург",
                "Невский пр., д. 88, кв. 17",
                "1290.00",
                services=(
                    ("internet", "ivanov-p", "Гигабит", "active"),
                    ("video", "cam-nevsky-88", "Облако 30 дней", "active"),
                ),
            ),
        ),
        reply_channel="phone",
    ),
    DemoSubscriber(
        "Кузнецова Мария Игоревна",
        (("Кузнецова Мария Игоревна", "maria.kuznetsova@portal.example", ""),),
        (
            DemoAccount(
                "100000000004",
                "Д-2026-0004",
                "Новосибирск",
                "Новосибирская область",
                "Красный пр., д. 25, кв. 9",
                "-150.00",
                debt="150.00",
                services=(
                    ("internet", "kuznetsova-m", "Домашний 100", "active"),
                    ("smart_home", "sh-nsk-25-9", "Умный дом Старт", "active"),
                ),
            ),
        ),
    ),
    DemoSubscriber(
        "Попов Дмитрий Олегович",
        (("Попов Дмитрий Олегович", "dmitry.popov@portal.example", "+79031112233"),),
        (
            DemoAccount(
                "100000000005",
                "Д-2026-0005",
                "Екатеринбург",
                "Свердловская область",
                "ул. Малышева, д. 51, кв. 120",
                "87.30",
                services=(("mobile", "+79031112233", "Смарт S", "active"),),
            ),
        ),
        reply_channel="phone",
    ),
    DemoSubscriber(
        "Васильева Елена Викторовна",
        (("Васильева Елена Викторовна", "elena.vasilieva@portal.example", ""),),
        (
            DemoAccount(
                "100000000006",
                "Д-2026-0006",
                "Казань",
                "Республика Татарстан",
                "ул. Баумана, д. 7, кв. 3",
                "540.00",
                services=(
                    ("tv", "stb-kzn-0073", "Базовый", "active"),
                    ("home_phone", "+78432345678", "Повременный", "active"),
                ),
            ),
        ),
    ),
    DemoSubscriber(
        "Соколов Артём Николаевич",
        (("Соколов Артём Николаевич", "artem.sokolov@portal.example", "+79101234455"),),
        (
            DemoAccount(
                "100000000007",
                "Д-2026-0007",
                "Нижний Новгород",
                "Нижегородская область",
                "ул. Большая Покровская, д. 40, кв. 8",
                "25.00",
                services=(("internet", "sokolov-a", "Домашний 100", "active"),),
            ),
        ),
    ),
    DemoSubscriber(
        "Михайлова Татьяна Павловна",
        (("Михайлова Татьяна Павловна", "tatiana.mikhailova@portal.example", ""),),
        (
            DemoAccount(
                "100000000008",
                "Д-2026-0008",
                "Самара",
                "Самарская область",
                "ул. Куйбышева, д. 99, кв. 14",
                "-1240.00",
                debt="1240.00",
                status="blocked",
                services=(
                    ("internet", "mikhailova-t", "Домашний 500", "suspended"),
                    ("tv", "stb-smr-0099", "Расширенный", "suspended"),
                ),
            ),
        ),
    ),
    DemoSubscriber(
        "Новиков Сергей Андреевич",
        (
            (
                "Новиков Сергей Андреевич",
                "sergey.novikov@portal.example",
                "+79184567890",
            ),
        ),
        (
            DemoAccount(
                "100000000009",
                "Д-2026-0009",
                "Краснодар",
                "Краснодарский край",
                "ул. Красная, д. 120, кв. 56",
                "700.00",
                services=(
                    ("internet", "novikov-s", "Домашний 500", "active"),
                    ("mobile", "+79184567890", "Смарт L", "active"),
                ),
            ),
        ),
    ),
    DemoSubscriber(
        "ООО «Ромашка»",
        (
            ("Белова Ирина Михайловна", "office@romashka.example", "+79281234567"),
            ("Орлов Виктор Петрович", "it@romashka.example", ""),
        ),
        (
            DemoAccount(
                "100000000010",
                "Д-2026-0010",
                "Ростов-на-Дону",
                "Ростовская область",
                "ул. Большая Садовая, д. 47, оф. 301",
                "15400.00",
                services=(
                    ("internet", "romashka-office", "Гигабит", "active"),
                    ("home_phone", "+78632401020", "Безлимитный", "active"),
                    ("home_phone", "+78632401021", "Безлимитный", "active"),
                    ("video", "cam-romashka-1", "Облако 30 дней", "active"),
                ),
            ),
            DemoAccount(
                "100000000011",
                "Д-2026-0011",
                "Краснодар",
                "Краснодарский край",
                "ул. Северная, д. 310, склад 2",
                "-2600.00",
                debt="2600.00",
                services=(
                    ("internet", "romashka-sklad", "Домашний 500", "active"),
                    ("smart_home", "sh-romashka-sklad", "Умный дом Старт", "active"),
                ),
            ),
        ),
        category=ClientCategory.LEGAL_ENTITY,
        inn="6165123485",
        kpp="616501001",
        ogrn="1027700123450",
        contact_person="Белова Ирина Михайловна, офис-менеджер",
    ),
    DemoSubscriber(
        "АО «Уральский завод точных приборов»",
        (
            ("Сергеев Павел Ильич", "it@uzpt.example", "+79127654321"),
            ("Гаврилова Нина Юрьевна", "buh@uzpt.example", ""),
        ),
        (
            DemoAccount(
                "100000000012",
                "Д-2026-0012",
                "Пермь",
                "Пермский край",
                "ул. Ленина, д. 64, корп. 2",
                "48200.00",
                services=(
                    ("internet", "uzpt-main", "Гигабит", "active"),
                    ("mobile", "+79127654321", "Смарт L", "active"),
                    ("mobile", "+79127654322", "Смарт S", "active"),
                    ("tv", "stb-uzpt-hall", "Базовый", "active"),
                ),
            ),
        ),
        category=ClientCategory.LEGAL_ENTITY,
        inn="5902987659",
        kpp="590201001",
        ogrn="1055900987658",
        contact_person="Сергеев Павел Ильич, начальник ИТ-отдела",
    ),
]

# Accounts not linked to anyone yet: sign up, then link one with its contract number.
UNLINKED_ACCOUNTS = [
    DemoAccount(
        "100000000901",
        "Д-2026-0901",
        "Уфа",
        "Республика Башкортостан",
        "ул. Ленина, д. 5, кв. 11",
        "310.00",
        services=(
            ("internet", "ufa-lenina-5-11", "Домашний 100", "active"),
            ("tv", "stb-ufa-0511", "Базовый", "active"),
        ),
    ),
    DemoAccount(
        "100000000902",
        "Д-2026-0902",
        "Владивосток",
        "Приморский край",
        "ул. Светланская, д. 33, кв. 2",
        "-95.00",
        debt="95.00",
        services=(("mobile", "+79241112233", "Смарт S", "active"),),
    ),
    DemoAccount(
        "100000000903",
        "Д-2026-0903",
        "Красноярск",
        "Красноярский край",
        "пр. Мира, д. 10, кв. 77",
        "1500.00",
        services=(("internet", "krsk-mira-10-77", "Гигабит", "active"),),
    ),
]


def _tariffs() -> dict:
    types = {t.code: t for t in ServiceType.objects.all()}
    tariffs = {}
    for code, plans in TARIFFS.items():
        if code not in types:
            continue
        for name, fee, speed in plans:
            tariff, _created = Tariff.objects.get_or_create(
                service_type=types[code],
                name=name,
                defaults={"monthly_fee": Decimal(fee), "speed_mbps": speed},
            )
            tariffs[(code, name)] = tariff
    return tariffs


def _account(data: DemoAccount, subscriber, tariffs) -> None:
    account, created = PersonalAccount.objects.get_or_create(
        number=data.number,
        defaults={
            "contract_number": data.contract,
            "subscriber": subscriber,
            "linked_at": timezone.now() if subscriber else None,
            "city": data.city,
            "region": data.region,
            "address": data.address,
            "balance": Decimal(data.balance),
            "debt": Decimal(data.debt),
            "status": data.status,
        },
    )
    if not created:
        return
    for index, (code, number, tariff_name, status) in enumerate(data.services):
        tariff = tariffs[(code, tariff_name)]
        service = Service(
            account=account,
            service_type=tariff.service_type,
            number=number,
            tariff=tariff,
            status=status,
            connected_on=datetime.date(2022, 3, 1)
            + datetime.timedelta(days=97 * index),
        )
        service.full_clean()
        service.save()


@transaction.atomic
def demo_subscribers_load() -> int:
    """Create the missing demo subscribers, users, accounts and services.

    Return how many users are new.
    """
    tariffs = _tariffs()
    created_users = 0
    for data in SUBSCRIBERS:
        first_email = data.users[0][1]
        existing = User.objects.filter(email__iexact=first_email).first()
        if existing is not None:
            subscriber = existing.subscriber
        else:
            subscriber = Subscriber.objects.create(
                category=data.category,
                name=data.name,
                inn=data.inn,
                kpp=data.kpp,
                ogrn=data.ogrn,
                contact_person=data.contact_person,
            )
        for full_name, email, phone in data.users:
            if User.objects.filter(email__iexact=email).exists():
                continue
            user = User(
                username=email.split("@")[0] + "-" + email.split("@")[1].split(".")[0],
                email=email,
                phone=phone,
                full_name=full_name,
                subscriber=subscriber,
                reply_channel=data.reply_channel if phone else "email",
                email_confirmed_at=timezone.now(),
                phone_confirmed_at=timezone.now() if phone else None,
            )
            user.set_password(SUBSCRIBER_PASSWORD)
            user.full_clean()
            user.save()
            Consent.objects.create(
                user=user,
                email=email,
                purpose=Consent.Purpose.PERSONAL_DATA,
                text_version="demo",
            )
            created_users += 1
        for account in data.accounts:
            _account(account, subscriber, tariffs)
    for account in UNLINKED_ACCOUNTS:
        _account(account, None, tariffs)
    return created_users
