"""Fill each commitment's stored current status from the assessments already there."""

from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("compliance", "Assessment").objects.exists():
        return
    # Worked out as the assessment keeps it, with the rules and the public's view of today.
    from abide.compliance.current import rebuild_current

    rebuild_current()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0005_current_status")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
