from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    # HR: the role library
    path("roles/", views.roles, name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/starter/", views.starter_load, name="starter_load"),
    path("roles/import/", views.roles_import, name="import"),
    path("roles/export/", views.roles_export, name="export"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("roles/<int:pk>/paths/", views.path_add, name="path_add"),
    path("paths/<int:pk>/delete/", views.path_delete, name="path_delete"),
    path("checklist/new/", views.checklist_add, name="checklist_add"),
    path("checklist/<int:pk>/delete/", views.checklist_delete, name="checklist_delete"),
    path("program/<slug:slug>/", views.program_settings, name="program_settings"),
    # The pair: target role, gap, plan and evidence
    path("mentorship/<int:pk>/", views.plan, name="plan"),
    path("mentorship/<int:pk>/target/", views.target_set, name="target_set"),
    path("mentorship/<int:pk>/accept/", views.plan_accept, name="plan_accept"),
    path("mentorship/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/confirm/", views.evidence_confirm, name="evidence_confirm"),
]
