from django.contrib import admin
from django.urls import include, path

from people import views as people_views

urlpatterns = [
    path("", people_views.home, name="home"),
    path("accounts/login/", people_views.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", people_views.ResetPasswordView.as_view(), name="password_reset"),
    path("accounts/reset/<uidb64>/<token>/", people_views.SetPasswordView.as_view(),
         name="password_reset_confirm"),
    path("accounts/invitation/<uidb64>/<token>/", people_views.InvitationView.as_view(),
         name="invitation_confirm"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/two-factor/", include("twofactor.urls")),
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
