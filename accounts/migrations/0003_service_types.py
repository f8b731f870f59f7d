"""The service types an operator starts with; managers edit them in the admin."""

from django.db import migrations

from accounts.reference import service_types_ensure


def create(apps, schema_editor):
    service_types_ensure(apps.get_model("accounts", "ServiceType"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_subscribers_accounts_services")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
