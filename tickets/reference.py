"""Queues, topic categories and topics an installation starts with.

Managers edit them in the admin afterwards; this only creates what is missing.
Topics follow the operator's paper form (shared/domain.md, 1.3).
"""

QUEUES = [
    ("first_line", "Первая линия: интернет", "First line: internet"),
    ("tv_video", "ТВ и видеонаблюдение", "TV and video"),
    ("home_phone", "Домашний телефон", "Home phone"),
    ("mobile", "Мобильная связь", "Mobile"),
    ("billing", "Расчёты и тарифы", "Billing and tariffs"),
    ("connection", "Подключение и договоры", "Connection and contracts"),
    ("claims", "Претензии", "Claims"),
    ("business", "Поддержка бизнеса", "Business support"),
    ("field", "Выездные мастера", "Field technicians"),
    ("line", "Линейно-технический цех", "Line technicians"),
]

CATEGORIES = [
    ("technical", "Технические неполадки", "Technical problems", 10),
    ("money", "Финансы и тарифы", "Payments and tariffs", 20),
    ("contract", "Подключение и договор", "Connection and contract", 30),
    ("service", "Обслуживание", "Customer service", 40),
    ("claim", "Претензия", "Claim", 50),
]

# code, category, Russian, English, needs account or address, claim, visit, queue
TOPICS = [
    (
        "fault",
        "technical",
        "Техническая неисправность",
        "Technical fault",
        True,
        False,
        True,
        "first_line",
    ),
    (
        "slow",
        "technical",
        "Низкая скорость или обрывы",
        "Slow speed or drops",
        True,
        False,
        True,
        "first_line",
    ),
    (
        "setup",
        "technical",
        "Настройка оборудования",
        "Equipment setup",
        False,
        False,
        True,
        "first_line",
    ),
    (
        "equipment",
        "technical",
        "Оборудование: аренда, возврат, замена",
        "Equipment: rent, return, replacement",
        True,
        False,
        True,
        "connection",
    ),
    (
        "billing",
        "money",
        "Баланс, начисления, возврат денег",
        "Balance, charges, refunds",
        True,
        False,
        False,
        "billing",
    ),
    (
        "tariff",
        "money",
        "Смена тарифа",
        "Change of tariff",
        True,
        False,
        False,
        "billing",
    ),
    (
        "suspend",
        "money",
        "Добровольная блокировка",
        "Voluntary suspension",
        True,
        False,
        False,
        "billing",
    ),
    (
        "connect",
        "contract",
        "Подключение или отключение услуги",
        "Connect or disconnect a service",
        True,
        False,
        True,
        "connection",
    ),
    (
        "move",
        "contract",
        "Переезд, перенос услуги",
        "Moving house",
        True,
        False,
        True,
        "connection",
    ),
    (
        "contract",
        "contract",
        "Переоформление или расторжение договора",
        "Transfer or end of the contract",
        True,
        False,
        False,
        "connection",
    ),
    (
        "lk",
        "service",
        "Личный кабинет и доступ",
        "Personal account access",
        False,
        False,
        False,
        "first_line",
    ),
    (
        "service_quality",
        "service",
        "Качество обслуживания",
        "Quality of service",
        False,
        False,
        False,
        "first_line",
    ),
    (
        "thanks",
        "service",
        "Благодарность или предложение",
        "Thanks or a suggestion",
        False,
        False,
        False,
        "first_line",
    ),
    ("claim", "claim", "Претензия", "Formal claim", True, True, False, "claims"),
]


def reference_ensure(*, queue_model, category_model, topic_model) -> None:
    """Create the missing starting queues, categories and topics; keep edited ones.

    Takes the model classes, so that a data migration can pass historical ones.
    """
    queues = {}
    for code, name, name_en in QUEUES:
        queues[code], _created = queue_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    categories = {}
    for code, name, name_en, order in CATEGORIES:
        categories[code], _created = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for order, row in enumerate(TOPICS, start=1):
        code, category, name, name_en, needs, claim, visit, queue = row
        topic_model.objects.get_or_create(
            code=code,
            defaults={
                "category": categories[category],
                "name": name,
                "name_en": name_en,
                "needs_account_or_address": needs,
                "is_claim": claim,
                "visit_possible": visit,
                "sla_first_response_days": 1,
                "sla_resolution_days": 30 if claim else 10,
                "sla_calendar_days": claim,
                "default_queue": queues[queue],
                "order": order * 10,
            },
        )
