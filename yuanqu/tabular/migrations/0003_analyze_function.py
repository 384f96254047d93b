"""``yuanqu_analyze(tables)``: ANALYZE as the owner, for the application role (PostgreSQL only).

A bulk import gathers the statistics of the tables it fills again as they grow (``tabular.fast.refresh_statistics``).
ANALYZE needs the table's owner, and the application role owns no table (deploy/postgres-roles.sql): this function,
created by the migration and so owned by the owner role, runs it on the owner's behalf. ANALYZE changes no data.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION yuanqu_analyze(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $body$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    EXECUTE 'ANALYZE ' || t::text;
  END LOOP;
END
$body$
"""


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS yuanqu_analyze(regclass[])", params=None)


class Migration(migrations.Migration):
    dependencies = [("tabular", "0002_importbatch_revert")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
