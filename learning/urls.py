from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.resources, name="resources"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("resources/import/", views.resources_import, name="resources_import"),
    path("resources/template.csv", views.resources_template, name="resources_template"),
    path("certifications/", views.certifications, name="certifications"),
    path("certifications/new/", views.certification_create, name="certification_create"),
    path("certifications/<int:pk>/edit/", views.certification_edit, name="certification_edit"),
    path(
        "certifications/<int:pk>/delete/", views.certification_delete, name="certification_delete"
    ),
    path(
        "mentorship/<int:pk>/certification/",
        views.certification_goal_create,
        name="certification_goal_create",
    ),
    path(
        "mentorship/<int:pk>/resources/<int:resource_pk>/done/",
        views.resource_done,
        name="resource_done",
    ),
    path(
        "mentorship/<int:pk>/resources/<int:resource_pk>/undo/",
        views.resource_undo,
        name="resource_undo",
    ),
]
