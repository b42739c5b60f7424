"""Assignments indexed by (unit, ticket) instead of unit alone: a unit's scope as a set of order ids (a street's
list, its API page, its search) is read from the index alone, not from one table page per assignment (望京's 12 000
assignments of a quarter lay on 11 300 pages). Built CONCURRENTLY on PostgreSQL; the unit-only index it replaces
is dropped after."""

import django.db.models.deletion
from django.db import migrations, models

from core.migration_operations import add_index_concurrently

INDEX = models.Index(fields=["unit", "ticket"], name="assignment_unit_ticket")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("dispatch", "0008_assignment_ticket_unit")]

    operations = [
        add_index_concurrently("dispatch", "assignment", INDEX),
        migrations.AlterField(
            model_name="assignment", name="unit",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="assignments", to="dispatch.unit", verbose_name="承办单位"),
        ),
    ]
