from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.find, name="find"),
    path("me/", views.settings, name="settings"),
    path("<int:user_id>/book/", views.book, name="book"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/accept/", views.accept, name="accept"),
    path("sessions/<int:pk>/decline/", views.decline, name="decline"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/complete/", views.complete, name="complete"),
]
