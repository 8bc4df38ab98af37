from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("recovery-codes/download/", views.recovery_download, name="recovery_download"),
    path("recovery-codes/new/", views.recovery_regenerate, name="recovery_regenerate"),
    path("turn-off/", views.disable, name="disable"),
]
