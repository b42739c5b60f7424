"""PostgreSQL: AssessedOrder becomes a table partitioned by month (assessment/monthly/pair_partitions.py). Its rows
are derived (each computation of a month rewrites them), so the table is recreated empty: the next computation of
a month fills it again. Other databases keep the plain table."""

from django.db import migrations


def partition_by_month(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("assessment", "AssessedOrder")
    table = model._meta.db_table
    sql, params = schema_editor.table_sql(model)
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")
    schema_editor.execute(f'{sql} PARTITION BY RANGE ("month")', params or None)


def plain_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("assessment", "AssessedOrder")
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(model._meta.db_table)}")
    schema_editor.create_model(model)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0011_assessed_order")]

    operations = [migrations.RunPython(partition_by_month, plain_table)]
