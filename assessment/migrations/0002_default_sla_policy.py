from django.db import migrations
from django.utils import timezone


def create_default(apps, schema_editor):
    from assessment.defaults import create_default_policy

    SlaPolicy = apps.get_model("assessment", "SlaPolicy")
    SlaLimit = apps.get_model("assessment", "SlaLimit")
    if not SlaPolicy.objects.exists():
        create_default_policy(SlaPolicy, SlaLimit, effective_from=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default, migrations.RunPython.noop),
    ]
