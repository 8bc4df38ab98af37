from django.db import migrations


def seed(apps, schema_editor):
    from programs.skills_seed import SKILLS

    Skill = apps.get_model("programs", "Skill")
    existing = {name.lower() for name in Skill.objects.values_list("name", flat=True)}
    Skill.objects.bulk_create(
        Skill(name=name, category=category)
        for category, names in SKILLS.items()
        for name in names
        if name.lower() not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
