"""The settings modules: local runs with nothing set, production refuses bad configuration and
passes `check --deploy`, base does not run on its own, and DEBUG is on only in local."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts Python (or make) in a subprocess: left out of `make test-fast`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(64)
# What the environment of the test run may carry and each subprocess here sets itself.
UNSET = {
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SITE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
}


def settings_of(module: str | None, env_overrides: dict[str, str], *names: str) -> dict:
    """The named settings as `module` (None: manage.py's default) builds them, in a subprocess."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    if module:
        env["DJANGO_SETTINGS_MODULE"] = module
    env.update(env_overrides)
    code = (
        f"from django.conf import settings as s; import json; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_manage(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update({"DJANGO_SETTINGS_MODULE": "mentorship_site.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD = {
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "tandem.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem",
    "SITE_URL": "https://tandem.example",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


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
        ({"CELERY_BROKER_URL": ""}, "CELERY_BROKER_URL must be set"),
        ({"EMAIL_URL": ""}, "EMAIL_URL must be set"),
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
    ],
)
def test_it_refuses_to_start_with_a_missing_or_malformed_value(overrides, message):
    result = run_manage({**PROD, **overrides}, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_it_runs_manage_py_on_sqlite_with_eager_tasks_when_nothing_is_set():
    s = settings_of(
        None,
        {},
        "SETTINGS_MODULE",
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "DEBUG",
        "EMAIL_BACKEND",
        "CACHES",
    )
    assert s["SETTINGS_MODULE"] == "mentorship_site.settings.local"
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["CELERY_TASK_ALWAYS_EAGER"] is True
    assert s["DEBUG"] is True
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_it_switches_local_to_postgres_and_a_real_broker_from_the_environment():
    s = settings_of(
        "mentorship_site.settings.local",
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "CACHES",
    )
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert s["CELERY_TASK_ALWAYS_EAGER"] is False
    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_it_refuses_to_run_on_the_shared_base_settings():
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship_site.settings.base"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "use mentorship_site.settings.local (development)" in result.stderr


def test_it_leaves_debug_off_and_no_database_in_the_shared_base_settings():
    code = (
        "import json; from mentorship_site.settings import base; "
        "print(json.dumps([base.DEBUG, base.SECRET_KEY, hasattr(base, 'DATABASES'), "
        "base.CELERY_TASK_ALWAYS_EAGER]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, "", False, False]


@pytest.mark.parametrize(
    ("module", "env_overrides", "debug"),
    [
        ("mentorship_site.settings.local", {}, True),
        ("mentorship_site.settings.local", {"DEBUG": "false"}, False),
        ("mentorship_site.settings.test", {}, False),
        ("mentorship_site.settings.test", {"DEBUG": "true"}, False),
        ("mentorship_site.settings.test_sqlite", {}, False),
        ("mentorship_site.settings.production", PROD, False),
    ],
)
def test_it_turns_debug_on_only_in_local(module, env_overrides, debug):
    assert settings_of(module, env_overrides, "DEBUG") == {"DEBUG": debug}


def test_it_reads_the_mail_server_from_one_url():
    s = settings_of(
        "mentorship_site.settings.local",
        {"EMAIL_URL": "smtp+tls://mailer:s3cret@smtp.example.com:587"},
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
    )
    assert s == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_it_points_the_entry_points_at_the_right_settings():
    def default_of(path: str) -> str:
        text = (ROOT / path).read_text()
        return text.split('setdefault("DJANGO_SETTINGS_MODULE", "')[1].split('"')[0]

    assert default_of("manage.py") == "mentorship_site.settings.local"
    assert default_of("mentorship_site/celery.py") == "mentorship_site.settings.local"
    assert default_of("mentorship_site/wsgi.py") == "mentorship_site.settings.production"
    assert (
        "DJANGO_SETTINGS_MODULE=mentorship_site.settings.production"
        in (ROOT / "Dockerfile").read_text()
    )


def test_it_links_emails_and_the_calendar_feed_to_the_port_make_run_serves(tmp_path):
    # A makefile of the test's own reuses the real one, so PORT takes the same route from
    # `make run PORT=...` to the settings as it does for runserver.
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        f"include {ROOT / 'Makefile'}\n"
        "site-url:\n"
        "\t@$(PY) -c 'import django; django.setup(); from core.mail import absolute_url;"
        ' print(absolute_url("/reminders/ics/x.ics"))\'\n'
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship_site.settings.local"
    out = subprocess.run(
        ["make", "-s", "-f", str(makefile), "site-url", "PORT=9123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["http://127.0.0.1:9123/reminders/ics/x.ics"], out.stderr
    assert (
        "runserver 127.0.0.1:9123"
        in subprocess.run(
            ["make", "-n", "run", "PORT=9123"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )


def test_it_keeps_an_explicit_site_url_over_the_port():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.local",
        "PORT": "9123",
        "SITE_URL": "https://tandem.example",
    }
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.split() == ["https://tandem.example"]


def test_it_refuses_to_load_the_demo_data_under_the_production_settings():
    result = run_manage(PROD, "seed_demo")
    assert result.returncode != 0
    assert "Refusing to load the demo data" in result.stderr
