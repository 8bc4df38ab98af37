"""The site's URLs plus one page that always fails, for the 500 page's test."""

from django.urls import path

from mentorship_site.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
