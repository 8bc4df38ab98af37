from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("", views.not_found, name="root"),
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    path("ResourceTypes/<str:name>", views.resource_type, name="resource_type"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:uri>", views.schema, name="schema"),
    path("Users", views.users, name="users"),
    path("Users/.search", views.users_search, name="users_search"),
    path("Users/<str:pk>", views.user, name="user"),
    path("Groups", views.groups, name="groups"),
    path("Groups/.search", views.groups_search, name="groups_search"),
    path("Groups/<str:pk>", views.group, name="group"),
    path(".search", views.search, name="search"),
    re_path(r"^(?P<rest>.+)$", views.not_found, name="not_found"),
]
