"""A program's career settings: a target role for every mentee without one, matching on the gap."""

import pytest
from django.urls import reverse

from careers.models import ProgramCareers, WorkRole
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_saves_the_programs_target_role_and_matching_option(client_for, hr, pair, cloud_ops):
    url = reverse("careers:program_settings", args=[pair.program.slug])
    response = client_for(hr).post(
        url, {"default_role": cloud_ops.pk, "gap_as_sought_skills": "on"}
    )
    assert response.status_code == 302
    settings = ProgramCareers.objects.get(program=pair.program)
    assert (settings.default_role, settings.gap_as_sought_skills) == (cloud_ops, True)


def test_it_refuses_the_settings_to_another_programs_hr(client_for, pair, cloud_ops):
    other = factories.HRFactory()
    url = reverse("careers:program_settings", args=[pair.program.slug])
    response = client_for(other).post(url, {"default_role": cloud_ops.pk})
    assert response.status_code == 403
    assert not ProgramCareers.objects.exists()


def test_it_keeps_the_settings_page_queries_constant(
    client_for, hr, pair, starter, django_assert_max_num_queries
):
    url = reverse("careers:program_settings", args=[pair.program.slug])
    client = client_for(hr)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for i in range(10):
        WorkRole.objects.create(title=f"Extra role {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
