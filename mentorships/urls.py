from django.urls import path

from . import views

app_name = "mentorships"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/confirm/", views.agreement_confirm, name="agreement_confirm"),
    path("<int:pk>/reset/", views.reset_request, name="reset_request"),
    path("<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/milestones/", views.milestones_add, name="milestones_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/undo/", views.milestone_undo, name="milestone_undo"),
    # HR coordinators of the mentorship's program
    path("program/<slug:slug>/", views.program_pairings, name="program_pairings"),
    path("program/<slug:slug>/new/", views.pairing_create, name="pairing_create"),
    path("<int:pk>/hr/", views.hr_detail, name="hr_detail"),
    path("<int:pk>/hr/<str:action>/", views.hr_action, name="hr_action"),
    path("resets/", views.reset_queue, name="reset_queue"),
    path("resets/<int:pk>/", views.reset_resolve, name="reset_resolve"),
]

# Mounted by the root URLconf in the `programs` namespace under /programs/: pages that need
# what only mentorships knows (withdrawing ends the person's pairings; the manage pages show
# mentor load and who is paired), which programs, below mentorships, may not import.
programs_urlpatterns = [
    path("<slug:slug>/manage/", views.program_manage, name="manage"),
    path("<slug:slug>/enrolments/", views.program_enrolments, name="enrolments"),
    path("<slug:slug>/my-enrolment/withdraw/", views.enrolment_withdraw, name="enrolment_withdraw"),
]
