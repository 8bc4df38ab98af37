from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mentorship_site.forms import QueuedPasswordResetForm
from people import views as people_views

urlpatterns = [
    path("", people_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            form_class=QueuedPasswordResetForm,
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("people/", include("people.urls")),
    path("programs/", include("programs.urls")),
    path("mentorships/", include("mentorships.urls")),
    path("matching/", include("matching.urls")),
    path("checkins/", include("checkins.urls")),
    path("metrics/", include("metrics.urls")),
    path("imports/", include("imports.urls")),
    path("reminders/", include("reminders.urls")),
    path("feedback/", include("feedback.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
