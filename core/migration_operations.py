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


def remove_index_concurrently(app_label, model_name, index):
    """Drop ``index`` from the model: CONCURRENTLY on PostgreSQL, so intake is never blocked behind the lock (the
    migration must be ``atomic = False``); plainly elsewhere. Reversed, the index is built again the same way."""

    def drop(apps, schema_editor):
        concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
        schema_editor.remove_index(apps.get_model(app_label, model_name), index, **concurrently)

    def create(apps, schema_editor):
        concurrently = {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}
        schema_editor.add_index(apps.get_model(app_label, model_name), index, **concurrently)

    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunPython(drop, create, elidable=False)],
        state_operations=[migrations.RemoveIndex(model_name=model_name, name=index.name)],
    )
