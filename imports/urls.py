from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/", views.people_upload, name="people_upload"),
    path("people/template.csv", views.people_template, name="people_template"),
    path("enrolments/template.csv", views.enrolment_template, name="enrolment_template"),
    path("enrolments/<slug:slug>/", views.enrolment_upload, name="enrolment_upload"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/confirm/", views.batch_confirm, name="confirm"),
]
