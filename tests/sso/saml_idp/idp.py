"""A real SAML 2.0 identity provider for the tests: pysaml2's `saml2.server.Server` in WSGI.

Run by the tests as `python -m tests.sso.saml_idp --keys DIR --sp-metadata URL`; it binds
127.0.0.1 on a free port, prints `PORT <n>` and serves until killed (or --max-seconds).

- GET /metadata: the IdP's metadata (signing certificate idp.crt).
- GET /sso/redirect?SAMLRequest=…&RelayState=…: SP-initiated sign-in (HTTP-Redirect binding).
  Without `email`, a small sign-in form; with `email` and `subject` (and optional `mfa=1`,
  `mode`), a page whose form POSTs the signed answer to the SP's ACS.
- GET /unsolicited?email=…&subject=…[&relay_state=…&mode=…]: IdP-initiated sign-in
  (`in_response_to` forges an answer to a request the SP never sent; `nameid=email` sends
  the address as NameID instead of the persistent subject).
- GET /stats: how many times /metadata was fetched.

`mode` makes the answers the SP must refuse: `unsigned` (no signature), `badsig` (signed by
other.key, which the metadata does not name), `response_only` (the response signed, the assertion
in it not), `audience` (for another SP), `expired`
(valid for 2 seconds only, then the test waits); and `encrypted`, a good answer whose
assertion is encrypted to the SP's certificate (as Entra ID's token encryption does).
"""

import argparse
import html
import sys
import threading
import urllib.request
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import (
    NAME_FORMAT_URI,
    NAMEID_FORMAT_EMAILADDRESS,
    NAMEID_FORMAT_PERSISTENT,
    NameID,
)
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary

PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "https://refeds.org/profile/mfa"
OTHER_AUDIENCE = "https://elsewhere.example/saml/metadata/"
# Sent with every answer, as "oid-<subject>" (Entra ID's object id claim).
OBJECT_ID = "http://schemas.microsoft.com/identity/claims/objectidentifier"


def idp_config(
    base: str, key: str, cert: str, sp_metadata: str | None, lifetime: dict | None = None
) -> IdPConfig:
    conf = IdPConfig()
    conf.load(
        {
            "entityid": f"{base}/metadata",
            "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
            "service": {
                "idp": {
                    "name": "Tandem test IdP",
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{base}/sso/redirect", BINDING_HTTP_REDIRECT),
                        ]
                    },
                    "policy": {
                        "default": {
                            "lifetime": lifetime or {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                }
            },
            "key_file": key,
            "cert_file": cert,
            "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
        }
    )
    return conf


class IdP:
    def __init__(self, base: str, keys: str, sp_metadata_url: str) -> None:
        self.base, self.keys, self.sp_metadata_url = base, keys, sp_metadata_url
        good = (f"{keys}/idp.key", f"{keys}/idp.crt")
        self.metadata = create_metadata_string(
            None, config=idp_config(base, *good, None), sign=False
        )
        self.metadata_served = 0
        self.servers: dict[str, Server] = {}
        self.lock = threading.Lock()

    def _load_sp(self) -> None:
        """Reads the SP's metadata on the first sign-in (the SP needs our URL first)."""
        with self.lock:
            if self.servers:
                return
            with urllib.request.urlopen(self.sp_metadata_url, timeout=30) as response:  # noqa: S310
                sp_metadata = response.read().decode()
            self._build(sp_metadata)

    def _build(self, sp_metadata: str) -> None:
        base, keys = self.base, self.keys
        good = (f"{keys}/idp.key", f"{keys}/idp.crt")
        self.servers = {
            "ok": Server(config=idp_config(base, *good, sp_metadata)),
            "badsig": Server(
                config=idp_config(base, f"{keys}/other.key", f"{keys}/other.crt", sp_metadata)
            ),
            # Valid for 2 seconds: the test waits them out.
            "expired": Server(config=idp_config(base, *good, sp_metadata, {"seconds": 2})),
        }
        sp = self.servers["ok"].metadata
        self.sp_entity_id = next(iter(sp.service_providers()))
        self.acs = sp.assertion_consumer_service(self.sp_entity_id, BINDING_HTTP_POST)[0][
            "location"
        ]

    def answer(
        self,
        *,
        mode: str,
        email: str,
        subject: str,
        mfa: bool,
        in_response_to: str | None,
        destination: str,
        relay_state: str,
        nameid: str = "persistent",
    ) -> str:
        server = self.servers.get(mode, self.servers["ok"])
        audience = OTHER_AUDIENCE if mode == "audience" else self.sp_entity_id
        identity = {OBJECT_ID: [f"oid-{subject}"]}
        if email:
            identity["mail"] = [email]
        if nameid == "email":
            name_id = NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email)
        else:
            name_id = NameID(
                format=NAMEID_FORMAT_PERSISTENT,
                text=subject,
                name_qualifier=server.config.entityid,
                sp_name_qualifier=self.sp_entity_id,
            )
        response = server.create_authn_response(
            identity=identity,
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience,
            name_id=name_id,
            authn={
                "class_ref": MFA_CONTEXT if mfa else PASSWORD_CONTEXT,
                "authn_auth": server.config.entityid,
            },
            sign_assertion=mode not in {"unsigned", "response_only"},
            sign_response=mode == "response_only",
            # Signed, then encrypted to the SP's certificate from its metadata.
            encrypt_assertion=mode == "encrypted",
        )
        import base64

        encoded = base64.b64encode(str(response).encode()).decode()
        return (
            "<!doctype html><html><head><title>Test IdP</title></head><body>"
            f'<form method="post" action="{html.escape(destination)}">'
            f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
            '<button type="submit">Continue</button></form>'
            "<script>document.forms[0].submit()</script></body></html>"
        )

    def login_form(self, query: dict) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
            if k in {"SAMLRequest", "RelayState", "SigAlg", "Signature"}
        )
        return (
            "<!doctype html><html><head><title>Test IdP sign-in</title></head><body>"
            '<h1>Test IdP</h1><form method="get" action="/sso/redirect">'
            + hidden
            + '<label>Email <input name="email" id="email"></label>'
            '<label>Subject <input name="subject" id="subject"></label>'
            '<label>MFA <input type="checkbox" name="mfa" value="1" id="mfa"></label>'
            '<button type="submit">Sign in</button></form></body></html>'
        )

    def __call__(self, environ, start_response):
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        path = environ.get("PATH_INFO", "")
        try:
            if path == "/metadata":
                self.metadata_served += 1
                return self._send(
                    start_response, "200 OK", self.metadata, "application/samlmetadata+xml"
                )
            if path == "/stats":
                return self._send(
                    start_response, "200 OK", f"metadata {self.metadata_served}", "text/plain"
                )
            self._load_sp()
            if path == "/sso/redirect":
                request = self.servers["ok"].parse_authn_request(
                    query["SAMLRequest"], BINDING_HTTP_REDIRECT
                )
                if not query.get("email"):
                    return self._send(start_response, "200 OK", self.login_form(query))
                args = self.servers["ok"].response_args(request.message, [BINDING_HTTP_POST])
                body = self.answer(
                    mode=query.get("mode", "ok"),
                    email=query["email"],
                    subject=query.get("subject", ""),
                    mfa=query.get("mfa") == "1",
                    in_response_to=args["in_response_to"],
                    destination=args["destination"],
                    relay_state=query.get("RelayState", ""),
                )
                return self._send(start_response, "200 OK", body)
            if path == "/unsolicited":
                body = self.answer(
                    mode=query.get("mode", "ok"),
                    email=query.get("email", ""),
                    subject=query.get("subject", ""),
                    mfa=query.get("mfa") == "1",
                    in_response_to=query.get("in_response_to") or None,
                    destination=self.acs,
                    relay_state=query.get("relay_state", ""),
                    nameid=query.get("nameid", "persistent"),
                )
                return self._send(start_response, "200 OK", body)
        except Exception as exc:  # a test IdP: say what went wrong
            print(f"test IdP error: {exc!r}", file=sys.stderr, flush=True)
            return self._send(
                start_response, "400 Bad Request", f"IdP error: {exc!r}", "text/plain"
            )
        return self._send(start_response, "404 Not Found", "not found", "text/plain")

    @staticmethod
    def _send(start_response, status, body, content_type="text/html; charset=utf-8"):
        data = body if isinstance(body, bytes) else body.encode()
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
        return [data]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", required=True)
    parser.add_argument("--sp-metadata", required=True, help="URL of the SP's metadata")
    parser.add_argument("--max-seconds", type=float, default=1800)
    args = parser.parse_args()
    httpd = make_server("127.0.0.1", 0, lambda e, s: app(e, s), handler_class=QuietHandler)
    port = httpd.server_address[1]
    app = IdP(f"http://127.0.0.1:{port}", args.keys, args.sp_metadata)
    # Never outlives a forgotten test run.
    timer = threading.Timer(args.max_seconds, httpd.shutdown)
    timer.daemon = True
    timer.start()
    print(f"PORT {port}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
