import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_site.settings.local")

app = Celery("mentorship_site")
# Every CELERY_* setting configures the app: serializers, time limits, acks_late, beat.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
