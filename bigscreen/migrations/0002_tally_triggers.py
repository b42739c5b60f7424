"""The triggers that keep the day tallies current (PostgreSQL; elsewhere the screen aggregates the day's orders),
and the tallies of the orders already there."""

from django.db import migrations

from bigscreen import tally


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        tally.install(cursor)
    tally.rebuild()


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in tally.UNINSTALL_SQL:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("bigscreen", "0001_initial"), ("hotline", "0013_ticket_cited_article")]
    operations = [migrations.RunPython(install, uninstall)]
