"""Make the audit table refuse UPDATE at the database, on SQLite and PostgreSQL alike."""

from django.db import migrations


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();"
        )


def drop_trigger(apps, schema_editor):
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update" +
                          (" ON core_auditevent" if schema_editor.connection.vendor == "postgresql" else ""))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_reference_data")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
