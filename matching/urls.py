from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("programs/<slug:slug>/start/", views.run_start, name="start"),
    path("programs/<slug:slug>/runs/", views.run_list, name="runs"),
    path("programs/<slug:slug>/weights/", views.weights_edit, name="weights"),
    path("programs/<slug:slug>/rules/", views.rules, name="rules"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/export.csv", views.run_csv, name="run_csv"),
    path("runs/<int:pk>/accept/", views.run_accept, name="accept"),
    path("runs/<int:pk>/accepting/", views.run_accepting, name="run_accepting"),
    path("runs/<int:pk>/publish/", views.run_publish, name="publish"),
    path("runs/<int:pk>/emails/", views.run_emails, name="run_emails"),
    path("runs/<int:pk>/emails/retry/", views.run_emails_retry, name="emails_retry"),
    path("proposals/<int:pk>/swap/", views.proposal_swap, name="swap"),
]
