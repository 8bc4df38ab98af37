"""Demo organisation: ~150 IT employees with reporting lines and four fixed logins."""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from .models import Department, JobFamily, User

DEMO_PASSWORD = "tandem-demo"
DEMO_LOGINS = {
    "hr@tandem.example": "HR coordinator",
    "manager@tandem.example": "Manager with reports",
    "mentor@tandem.example": "Mentor",
    "mentee@tandem.example": "Mentee",
}

DEPARTMENTS = {
    "Infrastructure": (JobFamily.INFRASTRUCTURE, "Systems engineer"),
    "Cloud Platform": (JobFamily.CLOUD, "Cloud engineer"),
    "Security": (JobFamily.SECURITY, "Security analyst"),
    "Software Engineering": (JobFamily.SOFTWARE, "Software engineer"),
    "Data": (JobFamily.DATA, "Data engineer"),
    "IT Support": (JobFamily.SUPPORT, "Support engineer"),
    "Networking": (JobFamily.NETWORK, "Network engineer"),
}
LOCATIONS = [
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("Bengaluru", "Asia/Kolkata"),
    ("Toronto", "America/Toronto"),
    ("Singapore", "Asia/Singapore"),
]
FIRST = [
    "Aisha",
    "Ben",
    "Chen",
    "Dara",
    "Elif",
    "Femi",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Adeyemi",
    "Bauer",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Li",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quintero",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umarov",
    "Varga",
    "Walsh",
    "Yilmaz",
]


_HASH: list[str] = []


def _password_hash() -> str:
    # Hashing is deliberately slow; one hash serves every demo account.
    if not _HASH:
        _HASH.append(make_password(DEMO_PASSWORD))
    return _HASH[0]


def _person(email: str, name: str, **fields) -> User:
    user, created = User.objects.update_or_create(
        email=email, defaults={"full_name": name, **fields}
    )
    if created:
        user.password = _password_hash()
        user.save(update_fields=["password"])
    return user


def seed_org(rng: random.Random) -> dict[str, User]:
    """Build the organisation; returns the fixed demo users by role."""
    today = date.today()
    departments = {name: Department.objects.get_or_create(name=name)[0] for name in DEPARTMENTS}
    people_dept = Department.objects.get_or_create(name="People")[0]
    cio = _person(
        "cio@tandem.example",
        "Morgan Ellis",
        job_title="Chief Information Officer",
        job_family=JobFamily.MANAGEMENT,
        department=None,
        location="London",
        timezone="Europe/London",
        hire_date=today - timedelta(days=365 * 9),
    )
    hr = _person(
        "hr@tandem.example",
        "Harriet Reyes",
        job_title="HR coordinator, IT",
        job_family=JobFamily.HR,
        department=people_dept,
        location="London",
        timezone="Europe/London",
        hire_date=today - timedelta(days=365 * 4),
        is_hr_coordinator=True,
        manager=cio,
    )
    counter = 0
    demo: dict[str, User] = {"hr": hr, "cio": cio}
    for dept_name, (family, title) in DEPARTMENTS.items():
        dept = departments[dept_name]
        head_email = (
            "manager@tandem.example"
            if dept_name == "Infrastructure"
            else f"head.{dept_name.split()[0].lower()}@tandem.example"
        )
        head = _person(
            head_email,
            "Sam Okafor"
            if dept_name == "Infrastructure"
            else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            job_title=f"Head of {dept_name}",
            job_family=JobFamily.MANAGEMENT,
            department=dept,
            manager=cio,
            location="London",
            timezone="Europe/London",
            hire_date=today - timedelta(days=365 * rng.randint(5, 12)),
        )
        if dept_name == "Infrastructure":
            demo["manager"] = head
        for lead_no in range(2):
            lead = _person(
                f"lead{lead_no + 1}.{dept_name.split()[0].lower()}@tandem.example",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                job_title=f"Lead {title.lower()}",
                job_family=family,
                department=dept,
                manager=head,
                location="London",
                timezone="Europe/London",
                hire_date=today - timedelta(days=365 * rng.randint(4, 10)),
            )
            for _ in range(9):
                counter += 1
                city, tz = rng.choice(LOCATIONS)
                senior = rng.random() < 0.35
                _person(
                    f"employee{counter:03d}@tandem.example",
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    job_title=("Senior " if senior else "") + title.lower(),
                    job_family=family,
                    department=dept,
                    manager=lead,
                    location=city,
                    timezone=tz,
                    hire_date=today - timedelta(days=rng.randint(30, 365 * (8 if senior else 3))),
                )
    cloud_lead = User.objects.get(email="lead1.cloud@tandem.example")
    demo["mentor"] = _person(
        "mentor@tandem.example",
        "Priya Natarajan",
        job_title="Principal cloud engineer",
        job_family=JobFamily.CLOUD,
        department=departments["Cloud Platform"],
        manager=cloud_lead,
        location="London",
        timezone="Europe/London",
        hire_date=today - timedelta(days=365 * 8),
    )
    demo["mentee"] = _person(
        "mentee@tandem.example",
        "Jamie Fraser",
        job_title="Junior systems engineer",
        job_family=JobFamily.INFRASTRUCTURE,
        department=departments["Infrastructure"],
        manager=demo["manager"],
        location="London",
        timezone="Europe/London",
        hire_date=today - timedelta(days=60),
    )
    return demo
