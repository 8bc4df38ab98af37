from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [path("program/<slug:slug>/", views.program_log, name="program_log")]
