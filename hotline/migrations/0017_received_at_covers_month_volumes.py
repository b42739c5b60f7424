"""The received_at index also holds each order's leaf, district, street and original: a month's volumes (the month
close's summary, 七天一预警, 每月一题's candidates) are counted from the index alone, where they read the whole table
(a parallel scan of every order: 9.7 s of a month close at a year). Built CONCURRENTLY on PostgreSQL; the plain
received_at index it replaces is dropped after."""

from django.db import migrations, models

INDEX = models.Index(fields=["received_at"], name="ticket_received_at",
                     include=["catalog_item", "district", "street", "repeat_of"])


def create(apps, schema_editor):
    concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
    schema_editor.add_index(apps.get_model("hotline", "Ticket"), INDEX, **concurrently)


def drop(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("hotline", "Ticket"), INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0016_bigrams_without_a_subquery")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
            state_operations=[migrations.AddIndex(model_name="ticket", index=INDEX)],
        ),
        migrations.AlterField(model_name="ticket", name="received_at",
                              field=models.DateTimeField(verbose_name="受理时间")),
    ]
