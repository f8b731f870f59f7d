"""The support roles (agents, supervisors, managers, administrators) as groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from tickets.roles import roles_ensure


def create(apps, schema_editor):
    # Permissions are otherwise created after all migrations have run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_ensure(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0004_phone_confirmation"),
        ("portal", "0002_smsmessage"),
        ("tickets", "0007_desk_assignee_deadline"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
