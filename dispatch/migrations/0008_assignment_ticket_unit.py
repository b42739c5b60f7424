"""Assignments indexed by (ticket, unit) instead of ticket alone: a user's scope tested per order (a district's
lists, the searches that walk) asks "is this order assigned to one of these units", which the index now answers
without reading the table (at 5 M orders one day of a district's list made 49 000 such probes, 37 000 of them
reading the table from disk). Built CONCURRENTLY on PostgreSQL; the ticket-only index it replaces is dropped after."""

import django.db.models.deletion
from django.db import migrations, models

from core.migration_operations import add_index_concurrently

INDEX = models.Index(fields=["ticket", "unit"], name="assignment_ticket_unit")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("dispatch", "0007_catalogitem_photo_required")]

    operations = [
        add_index_concurrently("dispatch", "assignment", INDEX),
        migrations.AlterField(
            model_name="assignment", name="ticket",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="assignments", to="hotline.ticket"),
        ),
    ]
