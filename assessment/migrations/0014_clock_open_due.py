"""Running clocks (not stopped, not paused) indexed in the 督办 list's order (due_at, id): a page walks the index
and stops, where the list sorted every running clock of the city first (72 000 at a quarter). Built CONCURRENTLY on
PostgreSQL."""

from django.db import migrations, models
from django.db.models import Q

INDEX = models.Index(fields=["due_at", "id"], name="clock_running_due",
                     condition=Q(stopped_at__isnull=True, paused_at__isnull=True))


def create(apps, schema_editor):
    concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
    schema_editor.add_index(apps.get_model("assessment", "Clock"), INDEX, **concurrently)


def drop(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("assessment", "Clock"), INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("assessment", "0013_month_close_watermarks")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
            state_operations=[migrations.AddIndex(model_name="clock", index=INDEX)],
        ),
    ]
