"""The received_at index also holds each order's leaf, district, street and original: a month's volumes (the month
close's summary, 七天一预警, 每月一题's candidates) are counted from the index alone, where they read the whole table
(a parallel scan of every order: 9.7 s of a month close at a year). Built CONCURRENTLY on PostgreSQL; the plain
received_at index it replaces is dropped after."""

from django.db import migrations, models

from core.migration_operations import add_index_concurrently

INDEX = models.Index(fields=["received_at"], name="ticket_received_at",
                     include=["catalog_item", "district", "street", "repeat_of"])


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("hotline", "0016_bigrams_without_a_subquery")]

    operations = [
        add_index_concurrently("hotline", "ticket", INDEX),
        migrations.AlterField(model_name="ticket", name="received_at",
                              field=models.DateTimeField(verbose_name="受理时间")),
    ]
