"""Production settings refuse bad configuration and pass `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(64)


def run_manage(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL", "CACHE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "mentorship_site.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )


PROD = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "tandem.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem",
        "SITE_URL": "https://tandem.example", "CACHE_URL": "redis://127.0.0.1:6379/1"}


def test_it_passes_check_deploy_without_warnings():
    result = run_manage(PROD, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "django-insecure"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must be set"),
        ({"DATABASE_URL": "nonsense://what"}, "DATABASE_URL is malformed"),
        ({"SITE_URL": ""}, "SITE_URL must be set"),
        ({"SITE_URL": "tandem.example"}, "SITE_URL must be the site's public address"),
        ({"CACHE_URL": ""}, "CACHE_URL must be set"),
        ({"CACHE_URL": "locmemcache://"}, "CACHE_URL must be a shared Redis cache"),
    ],
)
def test_it_refuses_to_start_with_a_missing_or_malformed_value(overrides, message):
    result = run_manage({**PROD, **overrides}, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_it_runs_on_sqlite_with_eager_tasks_when_nothing_is_set():
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "DEBUG",
                        "CACHE_URL"}}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.EMAIL_BACKEND, "
            "s.CACHES['default']['BACKEND'])")
    env["DJANGO_SETTINGS_MODULE"] = "mentorship_site.settings.base"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["django.db.backends.sqlite3", "True", "True",
                                  "django.core.mail.backends.console.EmailBackend",
                                  "django.core.cache.backends.locmem.LocMemCache"]


def test_it_switches_to_postgres_and_a_real_broker_from_the_environment():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.base",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem",
           "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
           "CACHE_URL": "redis://127.0.0.1:6379/1"}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
            "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["django.db.backends.postgresql", "False",
                                  "django.core.cache.backends.redis.RedisCache",
                                  "redis://127.0.0.1:6379/1"]


def test_it_links_emails_and_the_calendar_feed_to_the_port_make_run_serves(tmp_path):
    # A makefile of the test's own reuses the real one, so PORT takes the same route from
    # `make run PORT=...` to the settings as it does for runserver.
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        f"include {ROOT / 'Makefile'}\n"
        "site-url:\n"
        "\t@$(PY) -c 'import django; django.setup(); from core.mail import absolute_url;"
        " print(absolute_url(\"/reminders/ics/x.ics\"))'\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship_site.settings.base"
    out = subprocess.run(["make", "-s", "-f", str(makefile), "site-url", "PORT=9123"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["http://127.0.0.1:9123/reminders/ics/x.ics"], out.stderr
    assert "runserver 127.0.0.1:9123" in subprocess.run(
        ["make", "-n", "run", "PORT=9123"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60).stdout


def test_it_keeps_an_explicit_site_url_over_the_port():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.base",
           "PORT": "9123", "SITE_URL": "https://tandem.example"}
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["https://tandem.example"]


def test_it_refuses_to_load_the_demo_data_under_the_production_settings():
    result = run_manage(PROD, "seed_demo")
    assert result.returncode != 0
    assert "Refusing to load the demo data" in result.stderr
