"""Fill the stored health of every live mentorship (checkins.MentorshipHealth), computed by the
same code as the app (``checkins.selectors.health_snapshots`` over the historical models, which
applies the rules of ``checkins.health``), and clear every pairing's "stale" flag."""

from django.db import migrations

BATCH = 1000
LIVE = ("proposed", "active", "paused")


def fill(apps, schema_editor):
    from django.utils import timezone

    from checkins.selectors import HealthModels, health_snapshots

    mentorship = apps.get_model("mentorships", "Mentorship")
    stored = apps.get_model("checkins", "MentorshipHealth")
    models = HealthModels(
        mentorship=mentorship,
        checkin=apps.get_model("checkins", "CheckIn"),
        pulse=apps.get_model("checkins", "Pulse"),
        milestone=apps.get_model("mentorships", "Milestone"),
    )
    today = timezone.localdate()
    ids = list(
        mentorship.objects.filter(status__in=LIVE).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        _found, rows = health_snapshots(ids[start : start + BATCH], today, models)
        stored.objects.bulk_create([stored(**fields) for fields in rows], batch_size=BATCH)
    mentorship.objects.filter(health_stale=True).update(health_stale=False)


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0004_mentorship_health"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
