from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.profile, name="profile"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/data/", views.my_data, name="my_data"),
    path("erase/", views.erase_find, name="erase_find"),
    path("<int:pk>/erase/", views.erase, name="erase"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("privacy-officers/", views.privacy_officers, name="privacy_officers"),
    path(
        "privacy-officers/<int:pk>/revoke/",
        views.privacy_officer_revoke,
        name="privacy_officer_revoke",
    ),
]
