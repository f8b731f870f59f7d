"""Reference data every installation starts with; managers edit it in the admin."""

SERVICE_TYPES = [
    ("internet", "Домашний интернет", "Home internet", "login"),
    ("tv", "Интерактивное ТВ", "Interactive TV", "login"),
    ("home_phone", "Домашний телефон", "Home phone", "landline"),
    ("mobile", "Мобильная связь", "Mobile", "mobile"),
    ("video", "Видеонаблюдение", "Video surveillance", "login"),
    ("smart_home", "Умный дом", "Smart home", "login"),
]


def service_types_ensure(service_type_model) -> None:
    """Create the missing starting service types; leave edited ones alone.

    Takes the model class, so that a data migration can pass its historical one.
    """
    for order, (code, name, name_en, kind) in enumerate(SERVICE_TYPES, start=1):
        service_type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "number_kind": kind,
                "order": order * 10,
            },
        )
