"""Admin log entries written before private text left the models' names kept those names
(a goal's title, an action item's text, a pulse's score): rewrite them to the neutral label
the models now give ("Goal 12"), so the admin's "Recent actions" shows none of it."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat

NEUTRAL = {
    ("mentorships", "goal"): "Goal",
    ("mentorships", "milestone"): "Milestone",
    ("checkins", "actionitem"): "Action item",
    ("checkins", "pulse"): "Pulse",
    ("feedback", "skillrating"): "Rating",
    ("reminders", "emaillog"): "Email",
}


def neutralise(apps, schema_editor) -> None:
    log_entry = apps.get_model("admin", "LogEntry")
    content_type = apps.get_model("contenttypes", "ContentType")
    for (app_label, model), label in NEUTRAL.items():
        types = content_type.objects.filter(app_label=app_label, model=model)
        log_entry.objects.filter(content_type__in=types).update(
            object_repr=Concat(Value(f"{label} "), F("object_id"))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(neutralise, migrations.RunPython.noop)]
