"""ticket_callback_queue (status, completed_at) was read by no query: the callback queue reads the partial
ticket_awaiting_callback (0007). At a quarter (5.1 M orders) it held 167 MB and had no scan in bench/volume.py."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("hotline", "0009_month_close_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="ticket_callback_queue"),
    ]
