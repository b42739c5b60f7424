"""The month close's two driving sets (assessment/monthly/scorecards.py CANDIDATES_SQL): a month's callbacks, and
the orders whose limit fell in a month and were done late or are still open. Built CONCURRENTLY on PostgreSQL, so a
loaded table keeps taking orders meanwhile."""

from django.db import migrations, models

from core.migration_operations import add_index_concurrently

INDEXES = {
    "callback": models.Index(fields=["created_at"], name="callback_month"),
    "ticket": models.Index(
        condition=models.Q(("completed_at__isnull", True), ("completed_at__gt", models.F("due_at")), _connector="OR"),
        fields=["due_at"], name="ticket_late_due"),
}


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0008_index_cleanup")]

    operations = [add_index_concurrently("hotline", name, index) for name, index in INDEXES.items()]
