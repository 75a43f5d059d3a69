from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_commitment_by_day")]

    operations = [
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["review_state", "date_made", "id"], name="commitment_state_by_day"
            ),
        ),
    ]
