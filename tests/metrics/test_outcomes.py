"""Outcome events: recorded by hand or imported from an HR-system CSV export."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.models import OutcomeEvent
from metrics.services import outcome_events_import
from tests import factories

HEADER = (
    "employee_email,kind,date,certification_name,certification_issuer,voluntary,project,rating\n"
)


def upload(client, text: str):
    f = SimpleUploadedFile("outcomes.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("metrics:outcomes_import"), {"file": f})


def test_it_records_an_event_by_hand(hr_user, employee, client_for) -> None:
    response = client_for(hr_user).post(
        reverse("metrics:outcomes"),
        {
            "employee_email": employee.email,
            "kind": "certification",
            "occurred_on": "2025-03-01",
            "certification_name": "CKA",
            "certification_issuer": "CNCF",
            "voluntary": "unknown",
        },
    )
    assert response.status_code == 302
    event = OutcomeEvent.objects.get()
    assert (event.employee, event.natural_key, event.recorded_by) == (employee, "cka", hr_user)


def test_it_explains_missing_fields_for_the_kind(hr_user, employee, client_for) -> None:
    response = client_for(hr_user).post(
        reverse("metrics:outcomes"),
        {
            "employee_email": employee.email,
            "kind": "departure",
            "occurred_on": "2025-03-01",
            "voluntary": "unknown",
        },
    )
    assert response.status_code == 200
    assert "Required for this kind of event." in response.content.decode()
    assert not OutcomeEvent.objects.exists()


def test_it_refuses_the_same_event_twice_by_hand(hr_user, employee, client_for) -> None:
    data = {
        "employee_email": employee.email,
        "kind": "promotion",
        "occurred_on": "2025-03-01",
        "to_role": "Lead",
        "voluntary": "unknown",
    }
    client = client_for(hr_user)
    client.post(reverse("metrics:outcomes"), data)
    response = client.post(reverse("metrics:outcomes"), data)
    assert "already recorded" in response.content.decode()
    assert OutcomeEvent.objects.count() == 1


def test_it_refuses_the_outcome_pages_to_non_hr(employee, stranger, client_for) -> None:
    client = client_for(stranger)
    assert client.get(reverse("metrics:outcomes")).status_code == 403
    response = client.post(
        reverse("metrics:outcomes"),
        {"employee_email": employee.email, "kind": "promotion", "occurred_on": "2025-03-01"},
    )
    assert response.status_code == 403
    assert (
        upload(client, HEADER + f"{employee.email},promotion,2025-01-01,,,,,\n").status_code == 403
    )
    assert not OutcomeEvent.objects.exists()


def test_it_lists_events_with_filters_and_constant_queries(
    hr_user, client_for, django_assert_max_num_queries
) -> None:
    client = client_for(hr_user)
    for i in range(3):
        OutcomeEvent.objects.create(
            employee=factories.UserFactory(), kind="promotion", occurred_on=f"2025-01-{i + 1:02d}"
        )
    with django_assert_max_num_queries(8):
        client.get(reverse("metrics:outcomes"))
    for i in range(20):
        OutcomeEvent.objects.create(
            employee=factories.UserFactory(full_name=f"Zed {i}"),
            kind="departure",
            occurred_on=f"2025-02-{i + 1:02d}",
            voluntary=True,
        )
    with django_assert_max_num_queries(8):
        html = client.get(reverse("metrics:outcomes"), {"kind": "departure"}).content.decode()
    assert "Zed" in html and "Page 1 of 1" not in html  # 20 rows fit one page
    assert "Promotion</td>" not in html


def test_it_imports_a_valid_file_and_skips_it_the_second_time(
    hr_user, employee, client_for
) -> None:
    text = (
        HEADER + f"{employee.email},certification,2025-01-10,CKA,CNCF,,,\n"
        f"{employee.email.upper()},departure,2025-06-30,,,yes,,\n"
        f"{employee.email},project_outcome,2025-03-01,,,,Network refresh,4\n"
    )
    client = client_for(hr_user)
    assert upload(client, text).status_code == 302
    assert OutcomeEvent.objects.count() == 3
    assert upload(client, text).status_code == 302
    assert OutcomeEvent.objects.count() == 3
    departure = OutcomeEvent.objects.get(kind="departure")
    assert departure.voluntary is True and departure.recorded_by == hr_user


def test_it_reports_every_bad_row_and_saves_nothing(hr_user, employee, client_for) -> None:
    text = (
        HEADER + f"{employee.email},certification,2025-01-10,CKA,CNCF,,,\n"
        "nobody@example.com,promotion,2025-01-10,,,,,\n"
        f"{employee.email},holiday,2025-13-01,,,,,\n"
        f"{employee.email},project_outcome,2025-03-01,,,,Refresh,9\n"
        f"{employee.email},departure,2025-03-01,,,maybe,,\n"
    )
    response = upload(client_for(hr_user), text)
    assert response.status_code == 400
    html = response.content.decode()
    assert "No employee has the email" in html
    assert "isn&#x27;t a kind" in html or "isn't a kind" in html
    assert "isn&#x27;t a real date" in html or "isn't a real date" in html
    assert "out of range" in html and "must be yes or no" in html
    assert not OutcomeEvent.objects.exists()


def test_it_reports_line_and_column_of_each_problem(hr_user, employee) -> None:
    promotion = f"{employee.email},promotion,2025-01-10,,,,,\n"
    text = HEADER + f"{employee.email},certification,2025-01-10,,CNCF,,,\n" + promotion * 2
    result = outcome_events_import(data=text.encode(), by=hr_user)
    found = {(e.line, e.column) for e in result.errors}
    assert (2, "certification_name") in found
    assert (4, "employee_email") in found  # repeat of line 3
    assert not OutcomeEvent.objects.exists()


def test_it_rejects_control_characters(hr_user, employee) -> None:
    text = HEADER + f"{employee.email},certification,2025-01-10,CKA\x07,CNCF,,,\n"
    result = outcome_events_import(data=text.encode(), by=hr_user)
    assert [(e.line, e.column) for e in result.errors] == [(2, "certification_name")]
    assert "control character" in result.errors[0].message


def test_it_rejects_a_file_over_the_size_limit(hr_user, employee, client_for, settings) -> None:
    from imports import csvcheck

    big = HEADER + "x" * (csvcheck.MAX_BYTES + 10)
    response = upload(client_for(hr_user), big)
    assert response.status_code == 400
    assert "limit" in response.content.decode() or "larger" in response.content.decode()
    assert not OutcomeEvent.objects.exists()


def test_it_rejects_unknown_columns(hr_user) -> None:
    result = outcome_events_import(data=b"employee_email,kind,date,salary\n", by=hr_user)
    assert result.errors[0].line == 1 and "salary" in result.errors[0].message


def test_it_offers_a_template_that_imports_cleanly(hr_user, client_for) -> None:
    for email in (
        "ana.ng@example.com",
        "ben.ode@example.com",
        "cara.li@example.com",
        "dev.rao@example.com",
    ):
        factories.UserFactory(email=email)
    response = client_for(hr_user).get(reverse("metrics:outcomes_template"))
    assert response["Content-Disposition"].startswith("attachment")
    result = outcome_events_import(data=response.content, by=hr_user)
    assert result.ok and result.created == 5
