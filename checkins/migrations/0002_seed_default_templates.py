from django.db import migrations

from checkins.default_templates import DEFAULT_TEMPLATES


def seed(apps, schema_editor) -> None:
    CheckInTemplate = apps.get_model("checkins", "CheckInTemplate")
    for name, agenda in DEFAULT_TEMPLATES:
        CheckInTemplate.objects.get_or_create(program=None, name=name, defaults={"agenda": agenda})


def unseed(apps, schema_editor) -> None:
    CheckInTemplate = apps.get_model("checkins", "CheckInTemplate")
    names = [name for name, _ in DEFAULT_TEMPLATES]
    CheckInTemplate.objects.filter(program=None, name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("checkins", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
