"""scim2-tester (a third-party SCIM conformance checker) against our service over real HTTP."""

from collections import Counter

import pytest
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from scim.services import token_create

# Slow (a thousand requests; a conformance run): left out of `make test-fast`.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_it_passes_every_check_scim2_tester_runs(live_server, capsys):
    _, raw = token_create(name="scim2-tester", by=None)
    http = Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=30,
    )
    with http:
        results = check_server(SyncSCIMClient(http))
    counts = Counter(r.status.name for r in results)
    failed = [
        r
        for r in results
        if r.status not in (Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED)
    ]
    with capsys.disabled():
        print(
            f"\nscim2-tester: {len(results)} checks: "
            + ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items()))
        )
        for r in results:
            if r.status == Status.SKIPPED:
                print(f"  skipped {r.resource_type or ''} {r.title}: {r.reason}")
    assert not failed, "\n".join(
        f"{r.status.name} {r.resource_type or ''} {r.title}: {r.reason}" for r in failed
    )
