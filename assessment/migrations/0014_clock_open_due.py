"""Running clocks (not stopped, not paused) indexed in the 督办 list's order (due_at, id): a page walks the index
and stops, where the list sorted every running clock of the city first (72 000 at a quarter). Built CONCURRENTLY on
PostgreSQL."""

from django.db import migrations, models

from core.migration_operations import add_index_concurrently
from django.db.models import Q

INDEX = models.Index(fields=["due_at", "id"], name="clock_running_due",
                     condition=Q(stopped_at__isnull=True, paused_at__isnull=True))


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("assessment", "0013_month_close_watermarks")]

    operations = [
        add_index_concurrently("assessment", "clock", INDEX),
    ]
