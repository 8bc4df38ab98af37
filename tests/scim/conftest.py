"""A SCIM bearer token and a test client that sends it."""

import json

import pytest
from django.test import Client

from scim.services import token_create

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimClient:
    def __init__(self, raw: str | None):
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Authorization": f"Bearer {raw}"} if raw else {}

    def _send(self, method: str, path: str, data=None, **extra):
        body = json.dumps(data) if data is not None and not isinstance(data, str) else data
        return getattr(self.client, method)(
            f"/scim/v2/{path}",
            data=body,
            content_type="application/scim+json",
            headers=self.headers,
            **extra,
        )

    def get(self, path: str, params: dict | None = None):
        return self.client.get(f"/scim/v2/{path}", params or {}, headers=self.headers)

    def post(self, path: str, data):
        return self._send("post", path, data)

    def put(self, path: str, data):
        return self._send("put", path, data)

    def patch(self, path: str, *operations):
        return self._send("patch", path, {"schemas": [PATCH], "Operations": list(operations)})

    def delete(self, path: str):
        return self.client.delete(f"/scim/v2/{path}", headers=self.headers)


@pytest.fixture
def scim_token(db):
    return token_create(name="Entra ID", by=None)


@pytest.fixture
def scim(scim_token) -> ScimClient:
    return ScimClient(scim_token[1])


def user_payload(
    user_name: str,
    *,
    email: str | None = None,
    display: str = "Ada Lovelace",
    department: str | None = None,
    manager: str | None = None,
    **extra,
) -> dict:
    payload = {
        "schemas": [CORE, ENTERPRISE],
        "userName": user_name,
        "displayName": display,
        "active": True,
        "emails": [{"value": email or user_name, "type": "work", "primary": True}],
        **extra,
    }
    enterprise = {}
    if department is not None:
        enterprise["department"] = department
    if manager is not None:
        enterprise["manager"] = {"value": manager}
    if enterprise:
        payload[ENTERPRISE] = enterprise
    return payload
