"""Give the support roles the FAQ's permissions: managers read, administrators edit."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from tickets.roles import roles_ensure


def grant(apps, schema_editor):
    # Permissions are otherwise created after all migrations have run.
    app_config = apps.get_app_config("faq")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles_ensure(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0002_postgres_search"),
        ("tickets", "0008_support_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
