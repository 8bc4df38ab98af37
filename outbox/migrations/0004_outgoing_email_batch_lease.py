# The email queue sends in leased batches (core.mail.lease_batch), like the reminders.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0003_event_and_email_attachment'),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingemail',
            name='claim_token',
            field=models.CharField(blank=True, db_default='', default='', max_length=32),
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='interruptions',
            field=models.PositiveSmallIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
