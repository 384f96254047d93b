"""A trigger on enterprises_settlement marks its park dirty on every insert, update and delete, so the counted
months (figures.ParkMonth) are rebuilt before they are read, whatever path wrote the settlement."""

from typing import Any

from django.db import migrations

PG = ["""
CREATE OR REPLACE FUNCTION figures_mark_park() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO figures_dirtypark (park_id) VALUES (NEW.park_id) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO figures_dirtypark (park_id) VALUES (OLD.park_id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
""", """
CREATE TRIGGER figures_settlement_changed AFTER INSERT OR UPDATE OR DELETE ON enterprises_settlement
FOR EACH ROW EXECUTE FUNCTION figures_mark_park()
"""]
PG_DROP = ["DROP TRIGGER IF EXISTS figures_settlement_changed ON enterprises_settlement",
           "DROP FUNCTION IF EXISTS figures_mark_park()"]
SQLITE = [
    """CREATE TRIGGER figures_settlement_ins AFTER INSERT ON enterprises_settlement BEGIN
       INSERT OR IGNORE INTO figures_dirtypark (park_id) VALUES (NEW.park_id); END""",
    """CREATE TRIGGER figures_settlement_upd AFTER UPDATE ON enterprises_settlement BEGIN
       INSERT OR IGNORE INTO figures_dirtypark (park_id) VALUES (NEW.park_id);
       INSERT OR IGNORE INTO figures_dirtypark (park_id) VALUES (OLD.park_id); END""",
    """CREATE TRIGGER figures_settlement_del AFTER DELETE ON enterprises_settlement BEGIN
       INSERT OR IGNORE INTO figures_dirtypark (park_id) VALUES (OLD.park_id); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS figures_settlement_ins", "DROP TRIGGER IF EXISTS figures_settlement_upd",
               "DROP TRIGGER IF EXISTS figures_settlement_del"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


def mark_all(apps: Any, schema_editor: Any) -> None:
    """Every park is dirty at first: its months are counted on the first read."""
    Park = apps.get_model("parks", "Park")
    DirtyPark = apps.get_model("figures", "DirtyPark")
    DirtyPark.objects.bulk_create([DirtyPark(park_id=pk) for pk in Park.objects.values_list("pk", flat=True)],
                                  ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0001_park_months"),
        ("enterprises", "0003_settlement_park_stage"),
        ("parks", "0002_nonnegative_validators"),
    ]

    operations = [
        migrations.RunPython(_run({"postgresql": PG, "sqlite": SQLITE}),
                             _run({"postgresql": PG_DROP, "sqlite": SQLITE_DROP})),
        migrations.RunPython(mark_all, migrations.RunPython.noop),
    ]
