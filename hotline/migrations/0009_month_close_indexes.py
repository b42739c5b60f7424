"""The month close's two driving sets (assessment/monthly/scorecards.py CANDIDATES_SQL): a month's callbacks, and
the orders whose limit fell in a month and were done late or are still open. Built CONCURRENTLY on PostgreSQL, so a
loaded table keeps taking orders meanwhile."""

from django.db import migrations, models

INDEXES = {
    "callback": models.Index(fields=["created_at"], name="callback_month"),
    "ticket": models.Index(
        condition=models.Q(("completed_at__isnull", True), ("completed_at__gt", models.F("due_at")), _connector="OR"),
        fields=["due_at"], name="ticket_late_due"),
}


def create(apps, schema_editor):
    concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
    for model_name, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("hotline", model_name), index, **concurrently)


def drop(apps, schema_editor):
    for model_name, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("hotline", model_name), index)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0008_index_cleanup")]

    operations = [migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunPython(create, drop, elidable=False)],
        state_operations=[migrations.AddIndex(model_name=name, index=index) for name, index in INDEXES.items()],
    )]
