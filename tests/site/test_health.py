"""/healthz: database, cache, broker and migrations, for the containers' health checks."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ROOT
from tests.resilience.helpers import free_port

pytestmark = pytest.mark.django_db


def healthz(**headers):
    # Called as a container's own health check: plain HTTP, Host is its own address.
    return Client().get("/healthz", HTTP_HOST="10.0.3.7:8000", **headers)


def test_it_answers_ok_with_every_check_listed():
    response = healthz()
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "ok (none configured: tasks run in the web process)",
            "migrations": "ok",
        },
    }
    assert response["Cache-Control"] == "no-store"


def test_it_is_neither_redirected_to_https_nor_refused_for_its_host(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["tandem.example"]
    assert healthz().status_code == 200
    # Every other page still is.
    assert Client().get("/accounts/login/", HTTP_HOST="tandem.example").status_code == 301


def test_it_fails_with_503_when_the_broker_is_unreachable(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = healthz()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["checks"]["broker"].startswith("fail: ")
    assert body["checks"]["database"] == "ok"
    assert "127.0.0.1" not in json.dumps(body)  # no addresses, no error text


def test_it_fails_with_503_when_the_shared_cache_is_unreachable(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = healthz()
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("fail: ")


def test_its_command_fails_while_migrations_are_pending(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CACHE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "core.health"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "database: ok" in result.stdout
    assert "migration(s) not applied" in result.stdout
