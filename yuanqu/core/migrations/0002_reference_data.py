"""Load the NBS 2023 divisions and GB/T 4754-2017 industries shipped in core/data."""

from django.db import migrations


def load(apps, schema_editor):
    from yuanqu.core.reference import load_industries, load_regions

    load_regions(apps.get_model("core", "Region"))
    load_industries(apps.get_model("core", "IndustryCode"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
