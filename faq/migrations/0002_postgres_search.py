"""PostgreSQL's search indexes: the full-text document and trigrams for typos.

Made only on PostgreSQL (pg_trgm is created if missing; the database user needs
the right to create it, or an administrator creates it once). SQLite has
neither and searches by words (faq.services).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from faq.models import PG_INDEXES

    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    article = apps.get_model("faq", "Article")
    for index in PG_INDEXES:
        schema_editor.add_index(article, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from faq.models import PG_INDEXES

    article = apps.get_model("faq", "Article")
    for index in PG_INDEXES:
        schema_editor.remove_index(article, index)


class Migration(migrations.Migration):
    dependencies = [("faq", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
