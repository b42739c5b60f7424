"""The street's and the lead unit's own foreign-key indexes dropped: each column leads a composite index
(ticket_street_time, ticket_worklist) that serves its equality alone as well, so every intake kept two b-trees (74 MB
at a quarter) that no plan needed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0009_assignment_unit_ticket'),
        ('hotline', '0021_ticket_assessment_facts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticket',
            name='lead_unit',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dispatch.unit', verbose_name='主办单位'),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='street',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dispatch.unit', verbose_name='街乡镇'),
        ),
    ]
