"""Small builders for CSV text used by the import tests."""

import csv
import io

from imports import enrolments, people


def to_csv(
    header: tuple[str, ...] | list[str], rows: list[dict[str, str]] | list[list[str]]
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    return out.getvalue()


def person(email: str, **cells: str) -> dict[str, str]:
    base = {
        "email": email,
        "full_name": email.split("@")[0].replace(".", " ").title(),
        "job_title": "Engineer",
        "job_family": "software",
        "department": "Platform",
        "manager_email": "",
        "hire_date": "2022-01-10",
        "location": "London",
        "timezone": "Europe/London",
        "active": "yes",
    }
    return {**base, **cells}


def people_csv(*rows: dict[str, str]) -> str:
    return to_csv(people.COLUMNS, list(rows))


def enrolment(email: str, **cells: str) -> dict[str, str]:
    base = {
        "email": email,
        "role": "mentee",
        "skills": "",
        "communication_style": "direct",
        "meeting_mode": "video",
        "years_experience": "3",
        "seniority": "mid",
        "hours_per_month": "4",
    }
    return {**base, **cells}


def enrolments_csv(*rows: dict[str, str]) -> str:
    return to_csv(enrolments.COLUMNS, list(rows))


def many_people(count: int, *, prefix: str = "bulk") -> str:
    """`count` people in a chain of ten-person teams, each team reporting to its first member."""
    rows = []
    for i in range(count):
        lead = i - i % 10
        rows.append(
            person(
                f"{prefix}{i}@example.com",
                full_name=f"Person {i}",
                department=f"Dept {i % 7}",
                manager_email="" if i == lead else f"{prefix}{lead}@example.com",
            )
        )
    return people_csv(*rows)
