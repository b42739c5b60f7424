"""Who may see each order, stored on it (PostgreSQL, hotline/stored_scope.py): the column seen_by (no rewrite: a
constant default), the triggers that keep it, the orders already there filled in batches of ids (each batch its own
commit), then its GIN index, built CONCURRENTLY. Nothing elsewhere: other databases test the rule itself."""

from django.db import migrations

from hotline import stored_scope


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE hotline_ticket ADD COLUMN IF NOT EXISTS seen_by integer[] NOT NULL DEFAULT '{}'")
        stored_scope.install(cursor)
        stored_scope.backfill(cursor)
        cursor.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_seen_by ON hotline_ticket USING gin (seen_by)")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        stored_scope.uninstall(cursor)
        cursor.execute("DROP INDEX IF EXISTS ticket_seen_by")
        cursor.execute("ALTER TABLE hotline_ticket DROP COLUMN IF EXISTS seen_by")


class Migration(migrations.Migration):
    atomic = False  # each batch of the fill commits; CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0017_received_at_covers_month_volumes"), ("dispatch", "0009_assignment_unit_ticket")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
