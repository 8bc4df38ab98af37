from django.contrib import admin
from django.urls import include, path

from api import urls as api_urls
from mentorships import urls as mentorships_urls
from pages import urls as pages_urls
from people import urls as people_urls
from people import views as people_views
from programs import urls as programs_urls
from sso.views import SignOutView

urlpatterns = [
    path("", include(pages_urls.urlpatterns)),
    path("accounts/login/", people_views.SignInView.as_view(), name="login"),
    path(
        "accounts/password_reset/", people_views.ResetPasswordView.as_view(), name="password_reset"
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        people_views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        people_views.InvitationView.as_view(),
        name="invitation_confirm",
    ),
    # Also ends the identity provider's session after a company sign-in (sso, docs/identity.md).
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The team page lives in pages (it reads programs) but keeps its address and `people:team`.
    path("people/", include((pages_urls.people_urlpatterns + people_urls.urlpatterns, "people"))),
    # Some programs pages live in mentorships (they need pairings): names and paths unchanged.
    path(
        "programs/",
        include((programs_urls.urlpatterns + mentorships_urls.programs_urlpatterns, "programs")),
    ),
    path("sso/", include("sso.urls")),
    path("account/two-factor/", include("twofactor.urls")),
    path("mentorships/", include("mentorships.urls")),
    path("matching/", include("matching.urls")),
    path("selfmatch/", include("selfmatch.urls")),
    path("checkins/", include("checkins.urls")),
    path("metrics/", include("metrics.urls")),
    path("imports/", include("imports.urls")),
    path("reminders/", include("reminders.urls")),
    path("feedback/", include("feedback.urls")),
    path("experts/", include("experts.urls")),
    path("careers/", include("careers.urls")),
    path("learning/", include("learning.urls")),
    path("audit/", include((programs_urls.audit_urlpatterns, "audit"))),
    path("scim/v2/", include("scim.urls")),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include((api_urls.token_urlpatterns, "api_tokens"))),
    path("webhooks/", include("webhooks.urls")),
    path("account/chat/", include("chat.urls")),
    path("admin/", admin.site.urls),
]
