from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("open/", views.open_list, name="open"),
    path("new/", views.program_create_view, name="create"),
    path("skills/", views.skill_list, name="skills"),
    path("skills/new/", views.skill_edit, name="skill_create"),
    path("skills/<int:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("me/enrolments/", views.my_enrolments, name="my_enrolments"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval_decide, name="approval_decide"),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/edit/", views.program_edit, name="edit"),
    path("<slug:slug>/status/", views.program_status, name="status"),
    path("<slug:slug>/enrol/<str:role>/", views.enrol, name="enrol"),
    path("<slug:slug>/my-enrolment/", views.enrolment_edit, name="enrolment_edit"),
    path("<slug:slug>/teams/", views.teams_channel, name="teams"),
    path("<slug:slug>/teams/clear/", views.teams_channel_clear, name="teams_clear"),
]

# Mounted by the root URLconf as the `audit` namespace under /audit/: the audit app sits below
# programs and people, so the page that checks who coordinates a program lives here.
audit_urlpatterns = [path("program/<slug:slug>/", views.audit_log, name="program_log")]
