"""The load test's users: participants, HR coordinators and managers with think time, and the
anonymous sign-in page as the baseline every page is compared with. Run by bench/loadtest.py
(`make loadtest`), which prepares the sessions and reads what this file records.

Environment: LOADTEST_SESSIONS (JSON from bench/loadtest.py), LOADTEST_OUT (where the samples
go), LOADTEST_STEPS ("users:seconds,..."), LOADTEST_RAMP (users started per second).
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, LoadTestShape, between, events, task

SESSIONS = json.loads(open(os.environ["LOADTEST_SESSIONS"]).read())
STEPS = [
    (int(users), int(seconds))
    for users, seconds in (part.split(":") for part in os.environ["LOADTEST_STEPS"].split(","))
]
RAMP = float(os.environ.get("LOADTEST_RAMP", "10"))
SAMPLES: list[tuple[int, str, float, int, str]] = []  # step, page, ms, status, error
STATE = {"step": 0}


@events.request.add_listener
def record(request_type, name, response_time, response_length, response, exception, **kw):
    status = getattr(response, "status_code", 0) or 0
    error = ""
    if exception is not None:
        error = type(exception).__name__
    elif status >= 400:
        error = f"HTTP {status}"
    SAMPLES.append((STATE["step"], name, response_time, status, error))


@events.quitting.add_listener
def dump(environment, **kw):
    with open(os.environ["LOADTEST_OUT"], "w") as out:
        json.dump({"steps": STEPS, "samples": SAMPLES}, out)


class Steps(LoadTestShape):
    """10 → 50 → 100 → 200 users (by default), each step held for its seconds."""

    def tick(self):
        elapsed = self.get_run_time()
        for index, (users, seconds) in enumerate(STEPS):
            if elapsed < seconds:
                STATE["step"] = index
                return users, RAMP
            elapsed -= seconds
        return None


class Visitor(HttpUser):
    abstract = True
    wait_time = between(2, 6)  # think time: reading the page before the next click
    role = ""

    def on_start(self):
        self.account = random.choice(SESSIONS[self.role])
        # Behind the proxy as shipped: it terminates TLS and says so in X-Forwarded-Proto.
        self.client.headers["X-Forwarded-Proto"] = "https"
        if self.account.get("cookie"):
            self.client.cookies.set(SESSIONS["cookie_name"], self.account["cookie"])

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class Anonymous(HttpUser):
    """The baseline: two visitors at every step, however many others there are."""

    fixed_count = 2
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"

    @task
    def sign_in_page(self):
        self.client.get("/accounts/login/", name="sign-in page (baseline)")


class Participant(Visitor):
    weight = 6
    role = "participant"

    @task(3)
    def home(self):
        self.page("/", "participant: home")

    @task(3)
    def mentorship(self):
        self.page(f"/mentorships/{self.account['mentorship']}/", "participant: mentorship")

    @task(2)
    def checkin_form(self):
        self.page(
            f"/checkins/mentorship/{self.account['mentorship']}/new/", "participant: check-in form"
        )

    @task(1)
    def timeline(self):
        self.page(f"/checkins/mentorship/{self.account['mentorship']}/", "participant: timeline")


class Coordinator(Visitor):
    weight = 2
    role = "hr"

    @task(2)
    def pairings(self):
        self.page(f"/mentorships/program/{self.account['program']}/", "HR: pairings")

    @task(2)
    def enrolments(self):
        self.page(f"/programs/{self.account['program']}/enrolments/", "HR: enrolments")

    @task(2)
    def health(self):
        self.page(f"/checkins/program/{self.account['program']}/health/", "HR: health board")

    @task(1)
    def metrics(self):
        self.page(f"/metrics/program/{self.account['program']}/", "HR: program metrics")


class Manager(Visitor):
    weight = 2
    role = "manager"

    @task(3)
    def team(self):
        self.page("/people/team/", "manager: team page")

    @task(1)
    def dashboard(self):
        self.page("/metrics/team/", "manager: team dashboard")

    @task(2)
    def home(self):
        self.page("/", "manager: home")
