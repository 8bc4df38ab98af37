from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("invitation/<int:pk>/", views.answer, name="answer"),
    path("assessment/<int:pk>/", views.assessment, name="assessment"),
    path("program/<slug:slug>/", views.results, name="results"),
    path("program/<slug:slug>/surveys/", views.surveys, name="surveys"),
    path("program/<slug:slug>/surveys/defaults/", views.surveys_defaults, name="surveys_defaults"),
    path("program/<slug:slug>/assessments/", views.assessment_rounds, name="assessment_rounds"),
    path("program/<slug:slug>/assessments/plan/", views.assessment_plan, name="assessment_plan"),
]
