"""Managers approve or decline enrolments of people in their reporting line, nobody else."""

import pytest

from programs.models import Enrolment
from tests.factories import EnrolmentFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    boss = UserFactory(full_name="Boss")
    lead = UserFactory(full_name="Lead", manager=boss)
    engineer = UserFactory(full_name="Engineer Eve", manager=lead)
    outsider = UserFactory(full_name="Other manager")
    UserFactory(manager=outsider)  # makes them a manager, of someone else
    program = ProgramFactory(requires_manager_approval=True)
    enrolment = EnrolmentFactory(program=program, user=engineer, status="pending")
    return {
        "boss": boss,
        "lead": lead,
        "engineer": engineer,
        "outsider": outsider,
        "enrolment": enrolment,
    }


def decide_url(enrolment) -> str:
    return f"/programs/approvals/{enrolment.pk}/"


def test_it_lists_pending_enrolments_for_the_direct_manager(client_for, org):
    body = client_for(org["lead"]).get("/programs/approvals/").content.decode()
    assert "Engineer Eve" in body


def test_it_lists_them_for_a_manager_higher_up(client_for, org):
    assert "Engineer Eve" in client_for(org["boss"]).get("/programs/approvals/").content.decode()


def test_it_hides_them_from_a_manager_outside_the_line(client_for, org):
    body = client_for(org["outsider"]).get("/programs/approvals/").content.decode()
    assert "Engineer Eve" not in body
    assert "Nothing is waiting for you." in body


def test_it_refuses_the_approvals_page_to_someone_without_reports(client_for, org):
    assert client_for(org["engineer"]).get("/programs/approvals/").status_code == 403


def test_it_approves(client_for, org):
    response = client_for(org["lead"]).post(decide_url(org["enrolment"]), {"decision": "approve"})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(pk=org["enrolment"].pk)
    assert (enrolment.status, enrolment.decided_by) == ("approved", org["lead"])
    assert enrolment.decided_at is not None


def test_it_declines_with_a_reason(client_for, org):
    client_for(org["boss"]).post(
        decide_url(org["enrolment"]),
        {"decision": "decline", "reason": "Release crunch until June."},
    )
    enrolment = Enrolment.objects.get(pk=org["enrolment"].pk)
    assert (enrolment.status, enrolment.decision_reason) == (
        "declined",
        "Release crunch until June.",
    )


def test_it_requires_a_reason_to_decline(client_for, org):
    response = client_for(org["lead"]).post(
        decide_url(org["enrolment"]), {"decision": "decline", "reason": "  "}
    )
    assert response.status_code == 200
    # The service's rule, shown on the reason field.
    assert response.context["form"].errors["reason"] == [
        "Say why you decline, so your report knows what to change."
    ]
    assert "Say why you decline" in response.content.decode()
    enrolment = Enrolment.objects.get(pk=org["enrolment"].pk)
    assert (enrolment.status, enrolment.decided_by_id) == ("pending", None)


def test_it_requires_a_reason_to_decline_in_the_service_too(org):
    from django.core.exceptions import ValidationError

    from programs.services import enrolment_decide

    with pytest.raises(ValidationError) as caught:
        enrolment_decide(enrolment=org["enrolment"], approve=False, reason=" ", by=org["lead"])
    assert list(caught.value.message_dict) == ["reason"]
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "pending"


def test_it_refuses_a_manager_outside_the_reporting_line(client_for, org):
    response = client_for(org["outsider"]).post(
        decide_url(org["enrolment"]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "pending"


def test_it_refuses_the_employee_approving_themselves(client_for, org):
    response = client_for(org["engineer"]).post(
        decide_url(org["enrolment"]), {"decision": "approve"}
    )
    assert response.status_code == 403  # not a manager: a manager's page
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "pending"


def test_it_refuses_an_hr_coordinator_who_is_not_the_manager(client_for, org, other_hr):
    response = client_for(other_hr).post(decide_url(org["enrolment"]), {"decision": "approve"})
    assert response.status_code == 403  # not a manager: a manager's page
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "pending"


def test_it_cannot_decide_twice(client_for, org):
    client_for(org["lead"]).post(decide_url(org["enrolment"]), {"decision": "approve"})
    response = client_for(org["boss"]).post(
        decide_url(org["enrolment"]), {"decision": "decline", "reason": "No"}
    )
    assert response.status_code == 404  # no longer pending
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "approved"


def test_the_service_refuses_a_manager_outside_the_line(org):
    from django.core.exceptions import PermissionDenied

    from programs.services import enrolment_decide

    with pytest.raises(PermissionDenied):
        enrolment_decide(enrolment=org["enrolment"], approve=True, reason="", by=org["outsider"])
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "pending"


def test_the_approvals_page_keeps_constant_queries(client_for, org, django_assert_max_num_queries):
    client = client_for(org["boss"])
    program = org["enrolment"].program

    def add(n: int) -> None:
        for _ in range(n):
            EnrolmentFactory(
                program=program, user=UserFactory(manager=org["lead"]), status="pending"
            )

    add(2)
    with django_assert_max_num_queries(10):
        assert client.get("/programs/approvals/").status_code == 200
    add(15)
    with django_assert_max_num_queries(10):
        assert client.get("/programs/approvals/").status_code == 200


def test_a_declined_employee_sees_the_reason(client_for, org):
    client_for(org["lead"]).post(
        decide_url(org["enrolment"]), {"decision": "decline", "reason": "Busy quarter"}
    )
    body = client_for(org["engineer"]).get("/programs/me/enrolments/").content.decode()
    assert "Busy quarter" in body
