from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("", views.hr_dashboard, name="hr"),
    path("program/<slug:slug>/", views.program_dashboard, name="program"),
    path("team/", views.team_dashboard, name="team"),
    path("leadership/", views.leadership_dashboard, name="leadership"),
    path("leadership/access/", views.leadership_access, name="leadership_access"),
    path("leadership/access/<int:pk>/revoke/", views.leadership_revoke, name="leadership_revoke"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/import/", views.outcomes_import, name="outcomes_import"),
    path("outcomes/template.csv", views.outcomes_template, name="outcomes_template"),
    # Certification exams (learning): recorded here, where a pass becomes an outcome event.
    path("certifications/<int:pk>/exam/", views.certification_exam, name="certification_exam"),
    path("certifications/exams/", views.exam_results, name="exam_results"),
]
