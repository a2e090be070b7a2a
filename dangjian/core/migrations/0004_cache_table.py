"""The table of the shared database cache (settings.CACHES, dangjian/core/summaries.py), so that
``migrate`` alone prepares a database: the offline PC needs no other service. With Redis configured
``createcachetable`` does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_archive")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
