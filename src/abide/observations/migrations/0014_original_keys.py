"""On PostgreSQL, the keys of imported rows in one table beside the partitioned observations,
kept by triggers (see abide.observations.original_keys); nothing changes on SQLite."""

from django.db import migrations

from abide.observations import original_keys


def create(apps, schema_editor):
    original_keys.create(schema_editor.connection)


def drop(apps, schema_editor):
    original_keys.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("observations", "0013_drop_redundant_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
