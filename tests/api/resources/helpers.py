"""Clients for the API resource tests: the browser session or a bearer token, as one user."""

from __future__ import annotations

import json

from django.test import Client

from api.scopes import SCOPES
from api.services import api_token_create

LANES = ("session", "token")


class ApiClient:
    """JSON in, JSON out, as `user` through the session or a token with `scopes`."""

    def __init__(self, user, lane: str = "session", scopes: tuple[str, ...] = SCOPES) -> None:
        self.client = Client()
        self.lane = lane
        if lane == "session":
            self.client.force_login(user)
        else:
            secret = api_token_create(
                user=user, name=f"test {lane}", scopes=list(scopes), expires_in_days=1
            ).secret
            self.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def get(self, url: str, params: dict | None = None):
        return self.client.get(url, params or {})

    def post(self, url: str, body: object = None):
        return self.client.post(
            url, data=json.dumps(body if body is not None else {}), content_type="application/json"
        )

    def patch(self, url: str, body: object):
        return self.client.patch(url, data=json.dumps(body), content_type="application/json")


def results(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]


def ids(response) -> list[int]:
    return [row["id"] for row in results(response)]
