"""What docker-compose.yml says, checked without a Docker engine.

tests/site/test_stack.py runs its commands for real, as processes; these tests check the parts
of the file that only Docker reads (dependencies, ports, volumes, where settings come from) and
that the operations guide (docs/operations.md) gives the same commands.
"""

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_of(service: dict) -> str:
    cmd = service["command"]
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def production_section() -> str:
    guide = (ROOT / "docs" / "operations.md").read_text()
    return guide.split("## Running in production", 1)[1].split("\n## ", 1)[0]


def test_it_gives_every_long_running_service_a_health_check():
    services = compose()["services"]
    assert {"proxy", "migrate", "web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name, service in services.items():
        if name != "migrate":  # a one-off: it exits when done
            assert "healthcheck" in service, f"{name} has no health check"


def test_it_checks_the_app_services_with_the_health_endpoint_or_its_command():
    services = compose()["services"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["proxy"]["healthcheck"]["test"])
    for name in ("worker", "beat"):
        assert "core.health" in " ".join(services[name]["healthcheck"]["test"])


def test_it_points_every_app_command_at_modules_that_exist():
    services = compose()["services"]
    for name in APP_SERVICES:
        command = command_of(services[name])
        for module in re.findall(r"gunicorn .*?([\w.]+):application", command):
            assert importlib.util.find_spec(module) is not None, f"{name}: {module} missing"
        for config in re.findall(r"-c (\S+)", command):
            assert (ROOT / config).exists(), f"{name}: {config} missing"
        for app in re.findall(r"celery -A ([\w.]+)", command):
            assert (ROOT / app / "celery.py").exists(), f"{name}: celery app {app} missing"


def test_it_migrates_once_before_the_app_starts_rather_than_on_every_web_start():
    services = compose()["services"]
    assert command_of(services["migrate"]) == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in command_of(services[name])
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_it_takes_every_setting_from_the_env_file():
    services = compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env"
        assert (
            service["environment"]["DJANGO_SETTINGS_MODULE"]
            == "mentorship_site.settings.production"
        )
        text = yaml.safe_dump(service["environment"])
        assert not re.search(r"(postgres|redis|smtp)\w*://", text), f"{name} hard-codes a URL"
    example = (ROOT / ".env.example").read_text()
    for name in (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
        "EMAIL_URL",
        "DOMAIN",
        "TRUSTED_PROXY_COUNT",
        "POSTGRES_PASSWORD",
    ):
        assert re.search(rf"^{name}=", example, re.M), f".env.example has no {name}"


def test_it_serves_web_only_through_the_tls_proxy():
    services = compose()["services"]
    assert "ports" not in services["web"]
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    mounted = [v.split(":")[0] for v in services["proxy"]["volumes"] if v.startswith("./")]
    assert mounted == ["./deploy/Caddyfile"]
    assert (ROOT / "deploy" / "Caddyfile").exists()


def test_it_builds_the_image_from_the_pinned_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert '"gunicorn", "-c", "gunicorn.conf.py", "mentorship_site.wsgi:application"' in dockerfile


def test_it_documents_the_very_commands_compose_runs():
    section = production_section()
    services = compose()["services"]
    for name in ("migrate", "web", "worker", "beat", "proxy"):
        command = command_of(services[name])
        command = command.replace("/etc/caddy/Caddyfile", "deploy/Caddyfile")
        assert command in section, f"docs/operations.md's production section lacks `{command}`"
