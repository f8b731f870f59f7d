"""The starting cities, and the support roles' permissions on offices."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from offices.reference import cities_ensure
from tickets.roles import roles_ensure


def forwards(apps, schema_editor):
    cities_ensure(apps.get_model("offices", "City"))
    # Permissions are otherwise created after all migrations have run.
    app_config = apps.get_app_config("offices")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles_ensure(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("tickets", "0008_support_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
