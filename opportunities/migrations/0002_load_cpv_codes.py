from django.db import migrations


def load(apps, schema_editor):
    from opportunities.actions.reference import import_cpv_codes

    import_cpv_codes(model=apps.get_model("opportunities", "CpvCode"))


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
