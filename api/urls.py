"""/api/: the OpenAPI schema, its Swagger UI, and the resources under /api/v1/.

URL names are in the `api` namespace: `api:<basename>-list`, `api:<basename>-detail`,
`api:<basename>-<action>` (DRF's router), `api:schema`, `api:docs`.
"""

import importlib
import pkgutil

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import resources, views

app_name = "api"


def _router() -> SimpleRouter:
    router = SimpleRouter(trailing_slash=True)
    for info in sorted(pkgutil.iter_modules(resources.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for prefix, viewset, basename in getattr(module, "ROUTES", ()):
            router.register(prefix, viewset, basename=basename)
    return router


urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("v1/", include(_router().urls)),
    # Last: a JSON 404 (not the site's HTML page) for any other address under /api/.
    re_path(r"^(?P<rest>.*)$", views.NotFoundView.as_view(), name="not_found"),
]

# The account pages for API tokens (mounted at /account/api-tokens/, namespace api_tokens).
token_urlpatterns = [
    path("", views.token_list, name="list"),
    path("new/", views.token_create, name="create"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
