from __future__ import annotations

from django.urls import reverse

from people.models import User


def test_it_lets_hr_grant_the_leadership_view(hr_user, employee, client_for) -> None:
    response = client_for(hr_user).post(
        reverse("metrics:leadership_access"), {"email": employee.email.upper()}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=employee.pk).can_view_leadership is True
    assert client_for(employee).get(reverse("metrics:leadership")).status_code == 200


def test_it_lets_hr_revoke_the_leadership_view(hr_user, employee, client_for) -> None:
    User.objects.filter(pk=employee.pk).update(can_view_leadership=True)
    html = client_for(hr_user).get(reverse("metrics:leadership_access")).content.decode()
    assert "data-confirm" in html and employee.full_name in html
    client_for(hr_user).post(reverse("metrics:leadership_revoke", args=[employee.pk]))
    assert User.objects.get(pk=employee.pk).can_view_leadership is False
    assert client_for(employee).get(reverse("metrics:leadership")).status_code == 403


def test_it_explains_an_unknown_email(hr_user, client_for) -> None:
    response = client_for(hr_user).post(
        reverse("metrics:leadership_access"), {"email": "nobody@example.com"}
    )
    assert "No active employee" in response.content.decode()


def test_it_refuses_access_management_to_non_hr(employee, stranger, client_for) -> None:
    client = client_for(stranger)
    assert client.get(reverse("metrics:leadership_access")).status_code == 403
    assert (
        client.post(reverse("metrics:leadership_access"), {"email": stranger.email}).status_code
        == 403
    )
    User.objects.filter(pk=employee.pk).update(can_view_leadership=True)
    assert client.post(reverse("metrics:leadership_revoke", args=[employee.pk])).status_code == 403
    assert User.objects.get(pk=stranger.pk).can_view_leadership is False
    assert User.objects.get(pk=employee.pk).can_view_leadership is True


def test_it_revokes_only_by_post(hr_user, employee, client_for) -> None:
    response = client_for(hr_user).get(reverse("metrics:leadership_revoke", args=[employee.pk]))
    assert response.status_code == 405
