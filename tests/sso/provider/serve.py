"""Start the test identity provider: migrate its own SQLite file, make an RSA key, register the
users and clients of IDP_CONFIG, then serve on 127.0.0.1 at a free port, printed on stdout."""

import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["DJANGO_SETTINGS_MODULE"] = "idp_settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from idp_settings import CONFIG  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", stdout=io.StringIO())
    for person in CONFIG["users"]:
        User.objects.create_user(
            person["username"],
            person["email"],
            person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
    code = ResponseType.objects.get(value="code")
    for spec in CONFIG["clients"]:
        client = Client.objects.create(
            name=spec["client_id"],
            client_type="confidential",
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            jwt_alg="RS256",
            require_consent=False,
            reuse_consent=True,
            _scope="openid email profile",
        )
        client.redirect_uris = spec["redirect_uris"]
        client.post_logout_redirect_uris = spec.get("post_logout_redirect_uris", [])
        client.save()
        client.response_types.add(code)
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    server.set_app(get_wsgi_application())
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
