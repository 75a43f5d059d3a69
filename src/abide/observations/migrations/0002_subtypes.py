"""Create the sub-types of observations, per category, in five languages."""

from pathlib import Path

import yaml
from django.db import migrations

SUBTYPES_FILE = Path(__file__).resolve().parent.parent / "data" / "subtypes.yaml"
LANGUAGES = ("en", "ar", "hy", "ru", "tr")


def create_subtypes(apps, schema_editor):
    Category = apps.get_model("registry", "Category")
    SubType = apps.get_model("observations", "SubType")
    categories = {category.slug: category for category in Category.objects.all()}
    data = yaml.safe_load(SUBTYPES_FILE.read_text(encoding="utf-8"))
    for position, entry in enumerate(data["subtypes"]):
        values = {
            "category": categories[entry["category"]],
            "position": position,
            "default_direction": entry["direction"],
        }
        values.update({f"name_{lang}": entry["name"][lang] for lang in LANGUAGES})
        SubType.objects.update_or_create(slug=entry["id"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("observations", "0001_initial"), ("registry", "0002_categories")]
    operations = [migrations.RunPython(create_subtypes, migrations.RunPython.noop)]
