from django.db import migrations


def forwards(apps, schema_editor):
    from yuanqu.stats.standard import install_standard_indicators

    install_standard_indicators(apps.get_model("stats", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
