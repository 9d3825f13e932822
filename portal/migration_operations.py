"""Migration operations the apps share."""

from django.db import migrations


def _executes_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


def on_postgresql_only(sql, reverse_sql):
    """Run ``sql`` (``reverse_sql`` to undo) on PostgreSQL; elsewhere do nothing.

    For what only PostgreSQL has (full-text columns, GIN indexes, extensions),
    so the embedded SQLite default migrates the same tree without them.
    """
    return migrations.RunPython(_executes_on_postgresql(sql), _executes_on_postgresql(reverse_sql))
