"""Two indexes that every query they could serve finds in a wider one, and that each
imported row had to be written into:

- on the observations, (observed_start): (observed_start, id), the list's index, begins
  with it (the counts over a period read that one just as well);
- on the actors, (observation_id), Django's index of the foreign key:
  (observation_id, party_id), made in migration 0004, begins with it.

The actors' index is dropped in SQL, the model's state only told: on SQLite, Django would
remake the table to alter the field, and lose the index of 0004, which is not in its state.
"""

from django.db import migrations, models
import django.db.models.deletion

ACTOR_INDEX = "observations_observationactor_observation_id_340e9b6c"


class Migration(migrations.Migration):
    dependencies = [("observations", "0012_partition_observations_by_month")]

    operations = [
        migrations.RemoveIndex(model_name="observation", name="observation_observed_start"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="observationactor",
                    name="observation",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actors",
                        to="observations.observation",
                        verbose_name="observation",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {ACTOR_INDEX}",
                    f"CREATE INDEX IF NOT EXISTS {ACTOR_INDEX} "
                    "ON observations_observationactor (observation_id)",
                ),
            ],
        ),
    ]
