from django.urls import path

from . import views

app_name = "checkins"

urlpatterns = [
    path("mentorship/<int:pk>/", views.timeline, name="timeline"),
    path("mentorship/<int:pk>/new/", views.checkin_create, name="create"),
    path("mentorship/<int:pk>/summaries/", views.hr_summaries, name="hr_summaries"),
    path("mentorship/<int:pk>/nudge/", views.nudge, name="nudge"),
    path("mentorship/<int:pk>/meeting/", views.meeting, name="meeting"),
    path("mentorship/<int:pk>/meeting/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("mentorship/<int:pk>/reset/", views.reset, name="reset"),
    path("checkin/<int:pk>/pulse/", views.pulse_give, name="pulse"),
    path("action/<int:pk>/toggle/", views.action_item_toggle, name="action_toggle"),
    path("program/<slug:slug>/templates/", views.template_library, name="templates"),
    path("program/<slug:slug>/templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path(
        "program/<slug:slug>/templates/<int:pk>/retire/",
        views.template_retire,
        name="template_retire",
    ),
    path("program/<slug:slug>/health/", views.health_board, name="health_board"),
    path("mentor/<int:user_id>/", views.mentor_stats, name="mentor_stats"),
]
