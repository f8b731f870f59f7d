"""The service types an operator starts with; managers edit them in the admin."""

from django.db import migrations

SERVICE_TYPES = [
    ("internet", "Домашний интернет", "Home internet", "login"),
    ("tv", "Интерактивное ТВ", "Interactive TV", "login"),
    ("home_phone", "Домашний телефон", "Home phone", "phone"),
    ("mobile", "Мобильная связь", "Mobile", "phone"),
    ("video", "Видеонаблюдение", "Video surveillance", "login"),
    ("smart_home", "Умный дом", "Smart home", "login"),
]


def create(apps, schema_editor):
    ServiceType = apps.get_model("accounts", "ServiceType")
    for order, (code, name, name_en, kind) in enumerate(SERVICE_TYPES, start=1):
        ServiceType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "number_kind": kind,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_subscribers_accounts_services")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
