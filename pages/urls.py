from django.urls import path

from . import views

# Mounted by the root URLconf: the home page at the site's root, and the team page under
# /people/ with its historical name `people:team` (the root adds these to people's namespace).
urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says: sent to the static file.
    path("favicon.ico", views.favicon, name="favicon"),
]
people_urlpatterns = [path("team/", views.team, name="team")]
