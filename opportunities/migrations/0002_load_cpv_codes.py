import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "cpv_services.csv"


def load(apps, schema_editor):
    CpvCode = apps.get_model("opportunities", "CpvCode")
    with open(CSV, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            CpvCode.objects.update_or_create(
                code=row["code"], defaults={"description": row["description"]}
            )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
