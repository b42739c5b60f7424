"""Migration operations shared by the apps' migrations."""

from django.db import migrations


def add_index_concurrently(app_label, model_name, index):
    """Add ``index`` to the model: built CONCURRENTLY on PostgreSQL, so a loaded table keeps taking orders meanwhile
    (the migration must be ``atomic = False``); plainly elsewhere."""

    def create(apps, schema_editor):
        concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
        schema_editor.add_index(apps.get_model(app_label, model_name), index, **concurrently)

    def drop(apps, schema_editor):
        schema_editor.remove_index(apps.get_model(app_label, model_name), index)

    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunPython(create, drop, elidable=False)],
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
    )
