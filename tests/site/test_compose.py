"""docker-compose.yml can't run here (no Docker engine), so check what it names exists."""

import importlib.util
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command_of(service: dict) -> str:
    cmd = service["command"]
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def test_it_describes_the_production_services():
    services = compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"


def test_it_points_every_app_command_at_modules_that_exist():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        command = command_of(services[name])
        for module in re.findall(r"gunicorn ([\w.]+):", command):
            assert importlib.util.find_spec(module) is not None, f"{name}: {module} missing"
        for app in re.findall(r"celery -A ([\w.]+)", command):
            assert (ROOT / app / "celery.py").exists(), f"{name}: celery app {app} missing"
        if "manage.py" in command:
            assert (ROOT / "manage.py").exists()
        assert re.search(r"gunicorn|celery", command), f"{name} runs neither gunicorn nor celery"


def test_it_gives_the_app_services_the_production_environment():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "mentorship_site.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert importlib.util.find_spec(env["DJANGO_SETTINGS_MODULE"]) is not None


def test_it_builds_the_image_from_the_pinned_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert "mentorship_site.wsgi:application" in dockerfile
