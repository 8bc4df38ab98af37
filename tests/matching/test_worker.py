"""A matching run executed by a real Celery worker on Redis."""

import time

import pytest

from matching.models import MatchingRun, RunStatus
from matching.services import _parameters, program_weights
from tests import factories

from .helpers import mentee, mentor, program

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for_finish(run_id: int, timeout: float = 90) -> MatchingRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = MatchingRun.objects.get(pk=run_id)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish within {timeout} s")


def test_it_executes_a_run_on_the_worker(celery_worker_process) -> None:
    skill = factories.SkillFactory(name="Terraform")
    prog = program(format="one_to_one")
    mentors = [mentor(prog, {skill: 5}, capacity=2) for _ in range(3)]
    mentees = [mentee(prog, {skill: (1, 4)}) for _ in range(5)]
    run = MatchingRun.objects.create(
        program=prog, parameters=_parameters(prog, program_weights(prog), "max_matched")
    )
    handle = celery_worker_process
    handle.client.send_task("matching.tasks.execute_run", args=[run.pk], queue=handle.queue)
    run = _wait_for_finish(run.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.matched_count == 5
    pairs = list(run.proposals.values_list("mentee_id", "mentor_id"))
    assert {m for m, _ in pairs} == {e.pk for e in mentees}
    assert {m for _, m in pairs} <= {m.pk for m in mentors}
    for proposal in run.proposals.all():
        assert sum(points for _, points in proposal.explanation) == proposal.score


def test_it_matches_those_left_on_the_worker(celery_worker_process, hr_user) -> None:
    from matching import services

    skill = factories.SkillFactory(name="Go")
    prog = program(format="one_to_one", coordinators=[hr_user])
    mentors = [mentor(prog, {skill: 5}, capacity=1) for _ in range(3)]
    for _ in range(2):
        mentee(prog, {skill: (1, 4)})
    base = services.matching_run_start(program=prog, by=hr_user, enqueue=False)
    services.matching_run_execute(run_id=base.pk)
    kept, rejected = base.proposals.order_by("id")
    services.proposals_reject(run=base, proposal_ids=[rejected.pk], by=hr_user)
    run = services.matching_run_start(program=prog, by=hr_user, enqueue=False, remaining_only=True)
    handle = celery_worker_process
    handle.client.send_task("matching.tasks.execute_run", args=[run.pk], queue=handle.queue)
    run = _wait_for_finish(run.pk)
    assert run.status == RunStatus.SUCCEEDED, run.error
    (new,) = run.proposals.all()
    assert new.mentee_id == rejected.mentee_id
    assert new.mentor_id not in (rejected.mentor_id, kept.mentor_id)
    assert new.mentor_id in {m.pk for m in mentors}
    assert base.proposals.get(pk=kept.pk).status == "proposed"
