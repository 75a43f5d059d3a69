"""Indexes for proposing links (abide.compliance.linking.propose_links), written in SQL and
left out of the models' state:

- on PostgreSQL, a GiST index of each observation's period as a range, which finds the
  observations whose time overlaps a commitment's (an index on either end alone still reads
  half the table); Django declares no such expression index without django.contrib.postgres;
- an index of the actors by observation and party, for "does this observation name the
  obligor?": SQLite, without statistics, would otherwise probe that through the index on the
  party alone (every observation naming it), once for each observation.
"""

from django.db import migrations

PERIOD = "observation_period_range"


def create_period(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PERIOD} ON observations_observation "
            "USING gist (tstzrange(observed_start, observed_end, '[]'))"
        )


def drop_period(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PERIOD}")


class Migration(migrations.Migration):
    dependencies = [("observations", "0003_observed_start_index")]

    operations = [
        migrations.RunPython(create_period, drop_period, elidable=False),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS observation_actor_party "
            "ON observations_observationactor (observation_id, party_id)",
            "DROP INDEX IF EXISTS observation_actor_party",
            elidable=False,
        ),
    ]
