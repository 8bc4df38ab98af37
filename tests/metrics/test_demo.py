from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from metrics.models import OutcomeEvent
from people.models import User


@pytest.mark.slow
def test_it_seeds_demo_outcomes_idempotently_with_figures_on_every_dashboard(
    db, client_for
) -> None:
    call_command("seed_demo")
    counts = OutcomeEvent.objects.count()
    assert {"departure", "promotion", "certification", "internal_move"} <= set(
        OutcomeEvent.objects.values_list("kind", flat=True)
    )
    call_command("seed_demo")
    assert OutcomeEvent.objects.count() == counts
    hr = User.objects.get(email="hr@tandem.example")
    manager = User.objects.get(email="manager@tandem.example")
    html = client_for(hr).get(reverse("metrics:hr")).content.decode()
    assert "Retained at 12 months" in html and "%" in html
    team = client_for(manager).get(reverse("metrics:team"), {"format": "csv", "table": "retention"})
    months, group, retained, _people, _suppressed = team.content.decode().splitlines()[1].split(",")
    # The manager's participants are 3 or more: a real figure.
    assert (months, group) == ("6", "participants") and float(retained) >= 0
