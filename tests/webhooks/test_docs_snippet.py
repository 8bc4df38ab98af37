"""The verification snippet in docs/webhooks.md checks a real delivery's signature."""

import re
from pathlib import Path

import pytest

from outbox.services import event_record
from webhooks.services import deliveries_send_due, events_fan_out

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"

pytestmark = pytest.mark.django_db


def _snippet():
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


def test_the_documented_snippet_verifies_a_delivery(program, receiver, endpoint_for) -> None:
    verify = _snippet()
    endpoint = endpoint_for(receiver, program)
    event_record(kind="checkin.logged", program_id=program.pk, data={})
    events_fan_out()
    deliveries_send_due()
    [got] = receiver.received
    assert verify(endpoint.secret, got.headers["Tandem-Signature"], got.body)
    assert not verify("whsec_wrong", got.headers["Tandem-Signature"], got.body)
    assert not verify(endpoint.secret, got.headers["Tandem-Signature"], got.body + b"x")
