from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    # No login: the unguessable token in the URL is the credential (calendar apps can't sign in).
    path("calendar/<str:token>.ics", views.calendar_feed, name="ics"),
    path("program/<slug:slug>/at-risk/", views.at_risk, name="at_risk"),
]
