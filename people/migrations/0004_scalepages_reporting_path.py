"""The reporting line as a materialised path, kept by triggers (people/reporting_path.py)."""

from django.db import migrations, models

from people import reporting_path


def install_and_fill(apps, schema_editor) -> None:
    reporting_path.install(schema_editor.connection)
    reporting_path.backfill(schema_editor.connection)


def drop(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS people_user_reporting_path_set ON people_user")
            cursor.execute(
                "DROP TRIGGER IF EXISTS people_user_reporting_path_cascade ON people_user"
            )
            cursor.execute("DROP FUNCTION IF EXISTS people_user_reporting_path()")
            cursor.execute("DROP FUNCTION IF EXISTS people_user_reporting_cascade()")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS people_user_reporting_path_insert")
            cursor.execute("DROP TRIGGER IF EXISTS people_user_reporting_path_update")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_user_is_privacy_officer"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="reporting_path",
            field=models.TextField(blank=True, db_index=True, default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["full_name", "id"], name="user_name_order"),
        ),
        migrations.RunPython(install_and_fill, drop),
    ]
