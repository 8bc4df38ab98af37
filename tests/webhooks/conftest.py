import pytest

from tests.factories import HRFactory, ProgramFactory
from webhooks.models import Endpoint
from webhooks.services import new_secret

from .receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def program(db):
    hr = HRFactory(email="webhooks.hr@example.com")
    program = ProgramFactory(name="Platform onboarding")
    program.coordinators.add(hr)
    return program


@pytest.fixture
def endpoint_for(db):
    def make(receiver: Receiver, program=None, events=None, **extra) -> Endpoint:
        secret = new_secret()
        receiver.secret = secret
        return Endpoint.objects.create(
            program=program,
            url=receiver.url,
            secret=secret,
            events=events
            or [
                "enrolment.approved",
                "mentorship.created",
                "mentorship.ended",
                "checkin.logged",
                "run.published",
                "pairing.at_risk",
            ],
            **extra,
        )

    return make
