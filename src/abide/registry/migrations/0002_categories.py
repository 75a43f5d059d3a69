"""Create the nine categories shared by commitments and observations, in five languages."""

from pathlib import Path

import yaml
from django.db import migrations

CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.yaml"
LANGUAGES = ("en", "ar", "hy", "ru", "tr")


def create_categories(apps, schema_editor):
    Category = apps.get_model("registry", "Category")
    data = yaml.safe_load(CATEGORIES_FILE.read_text(encoding="utf-8"))
    for position, entry in enumerate(data["categories"]):
        values = {"position": position}
        for lang in LANGUAGES:
            values[f"name_{lang}"] = entry["name"][lang]
            values[f"description_{lang}"] = entry["description"][lang]
        Category.objects.update_or_create(slug=entry["id"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
