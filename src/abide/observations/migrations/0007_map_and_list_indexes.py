"""Indexes of the map and the list (the grid indexes: SQLite only)."""

from django.conf import settings
from django.db import migrations, models


def create_grid_indexes(apps, schema_editor):
    """The map's grid indexes (abide.observations.mapgrid), on SQLite only: PostgreSQL
    aggregates by hashing, without sorting, and needs none."""
    if schema_editor.connection.vendor != "sqlite":
        return
    from abide.observations.mapgrid import INDEXES, create_index_sql

    for name in INDEXES:
        schema_editor.execute(create_index_sql(name))


def drop_grid_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("observation_map_grid", "observation_map_grid_public"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('observations', '0006_review_queues'),
        ('registry', '0004_walkback'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='observation',
            index=models.Index(condition=models.Q(('latitude__isnull', False)), fields=['latitude', 'longitude', 'category', 'observed_start', 'status'], name='observation_map'),
        ),
        migrations.AddIndex(
            model_name='observation',
            index=models.Index(fields=['public_precision', 'latitude', 'longitude', 'category', 'observed_start', 'status', 'sensitivity'], name='observation_map_public'),
        ),
        migrations.AddIndex(
            model_name='observation',
            index=models.Index(fields=['observed_start', 'id'], name='observation_list'),
        ),
        migrations.AddIndex(
            model_name='observation',
            index=models.Index(fields=['sensitivity', 'observed_start', 'id', 'status'], name='observation_list_public'),
        ),
        migrations.RunPython(create_grid_indexes, drop_grid_indexes),
    ]
