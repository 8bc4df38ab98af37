from datetime import date, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from reminders import services
from reminders.models import AtRiskFlag, Digest, EmailLog, ReminderSent
from reminders.services import reminders_send_pending, reminders_sweep
from tests.factories import GoalFactory, MilestoneFactory
from tests.worker_app import stop_reminders_after

from .factories import checkin, pairing, prefer

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _run() -> int:
    reminders_sweep(today=TODAY)
    return reminders_send_pending()


def _kinds(mentorship) -> set[tuple[str, int]]:
    return set(mentorship.reminders.values_list("kind", "recipient_id"))


def test_it_sends_nothing_for_a_pairing_on_track() -> None:
    m = pairing(days_since=20)
    checkin(m, days_ago=3)
    assert _run() == 0
    assert mail.outbox == []


def test_it_reminds_both_participants_when_a_check_in_is_due() -> None:
    m = pairing(days_since=8)  # weekly cadence: due at 7, overdue at 10
    assert _run() == 2
    assert _kinds(m) == {("checkin_due", m.mentor_id), ("checkin_due", m.mentee_id)}
    assert sorted(msg.to[0] for msg in mail.outbox) == sorted([m.mentor.email, m.mentee.email])


def test_it_sends_a_second_reminder_to_both_when_the_check_in_becomes_overdue() -> None:
    m = pairing(days_since=8)
    reminders_sweep(today=TODAY)
    reminders_sweep(today=TODAY + timedelta(days=2))
    reminders_send_pending()
    assert _kinds(m) == {
        ("checkin_due", m.mentor_id),
        ("checkin_due", m.mentee_id),
        ("checkin_overdue", m.mentor_id),
        ("checkin_overdue", m.mentee_id),
    }
    assert len(mail.outbox) == 4
    assert {r.period_start for r in m.reminders.all()} == {TODAY - timedelta(days=1)}


def test_it_measures_from_the_last_check_in_rather_than_the_start() -> None:
    m = pairing(days_since=60)
    checkin(m, days_ago=8)
    reminders_sweep(today=TODAY)
    assert set(m.reminders.values_list("kind", "period_start")) == {
        ("checkin_due", TODAY - timedelta(days=1))
    }


def test_it_flags_a_pairing_at_risk_after_twice_the_cadence() -> None:
    m = pairing(days_since=14)
    result = reminders_sweep(today=TODAY)
    assert result.at_risk == 1
    flag = AtRiskFlag.objects.get()
    assert (flag.mentorship, flag.period_start, flag.resolved_at) == (
        m,
        TODAY - timedelta(days=7),
        None,
    )
    assert {k for k, _ in _kinds(m)} == {"checkin_overdue"}


def test_it_resolves_the_flag_once_a_check_in_is_logged() -> None:
    m = pairing(days_since=14)
    reminders_sweep(today=TODAY)
    checkin(m, days_ago=0)
    reminders_sweep(today=TODAY)
    assert AtRiskFlag.objects.get().resolved_at is not None


def test_it_ignores_pairings_that_are_not_active() -> None:
    pairing(days_since=30, status="paused")
    assert reminders_sweep(today=TODAY).mentorships == 0
    assert ReminderSent.objects.count() == 0


def test_it_reminds_both_of_a_milestone_due_within_a_week() -> None:
    m = pairing(days_since=1)
    goal = GoalFactory(mentorship=m)
    soon = MilestoneFactory(goal=goal, due_date=TODAY + timedelta(days=5))
    MilestoneFactory(goal=goal, due_date=TODAY + timedelta(days=20))
    MilestoneFactory(goal=goal, due_date=TODAY + timedelta(days=2), done_at="2026-01-01T00:00Z")
    assert _run() == 2
    assert set(m.reminders.values_list("kind", "milestone_id")) == {("milestone_due", soon.pk)}
    assert soon.title in mail.outbox[0].subject


def test_it_sends_each_reminder_once_however_often_the_sweep_runs() -> None:
    pairing(days_since=8)
    first = _run()
    second = _run()
    third = _run()
    assert (first, second, third) == (2, 0, 0)
    assert len(mail.outbox) == 2
    assert EmailLog.objects.count() == 2


def test_it_sends_nothing_to_a_user_who_turned_email_off() -> None:
    m = pairing(days_since=8)
    prefer(m.mentee, email_enabled=False)
    _run()
    assert [msg.to for msg in mail.outbox] == [[m.mentor.email]]


def test_it_sends_nothing_to_a_deactivated_user() -> None:
    m = pairing(days_since=8)
    m.mentor.is_active = False
    m.mentor.save()
    _run()
    assert [msg.to for msg in mail.outbox] == [[m.mentee.email]]


def test_it_gives_weekly_digest_users_one_digest_instead_of_single_emails() -> None:
    m1 = pairing(days_since=8)
    m2 = pairing(days_since=8, mentee=m1.mentee)
    prefer(m1.mentee, weekly_digest=True)
    _run()
    assert m1.mentee.email not in [msg.to[0] for msg in mail.outbox]
    mail.outbox.clear()
    assert services.digests_send(today=TODAY) == 1
    assert services.digests_send(today=TODAY) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [m1.mentee.email]
    assert "2 reminders" in digest.subject
    assert f"/mentorships/{m1.pk}/" in digest.body and f"/mentorships/{m2.pk}/" in digest.body
    assert Digest.objects.get().status == "sent"
    assert not ReminderSent.objects.filter(channel="digest", status="pending").exists()


def test_it_keeps_lines_arriving_after_this_weeks_digest_for_the_next_one() -> None:
    m = pairing(days_since=8)
    prefer(m.mentee, weekly_digest=True)
    reminders_sweep(today=TODAY)
    services.digests_send(today=TODAY)
    reminders_sweep(today=TODAY + timedelta(days=2))  # now overdue: a new line
    assert services.digests_send(today=TODAY) == 0
    assert services.digests_send(today=TODAY + timedelta(days=7)) == 1
    assert Digest.objects.filter(status="sent").count() == 2


@override_settings(SITE_URL="https://tandem.example.com")
def test_it_puts_an_absolute_link_to_the_page_in_every_email() -> None:
    m = pairing(days_since=8)
    MilestoneFactory(goal=GoalFactory(mentorship=m), due_date=TODAY + timedelta(days=1))
    _run()
    assert len(mail.outbox) == 4
    for msg in mail.outbox:
        assert f"https://tandem.example.com/mentorships/{m.pk}/" in msg.body
        assert "https://tandem.example.com/reminders/" in msg.body


def test_it_sends_only_the_remaining_emails_when_retried_after_a_crash(monkeypatch) -> None:
    for _ in range(4):
        pairing(days_since=8)
    reminders_sweep(today=TODAY)
    stop_reminders_after(3, patch=monkeypatch.setattr)
    with pytest.raises(SoftTimeLimitExceeded):
        reminders_send_pending()
    assert len(mail.outbox) == 3
    reminders_sweep(today=TODAY)
    assert reminders_send_pending() == 5
    assert len(mail.outbox) == 8
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 8
    assert EmailLog.objects.count() == 8


@override_settings(EMAIL_BACKEND="tests.reminders.failing_backend.FailingBackend")
def test_it_leaves_a_reminder_pending_when_the_mail_server_refuses_it() -> None:
    pairing(days_since=8)
    reminders_sweep(today=TODAY)
    with pytest.raises(services.DeliveryFailed):
        reminders_send_pending()
    assert set(ReminderSent.objects.values_list("status", flat=True)) == {"pending"}
    assert EmailLog.objects.count() == 0


def _add_pairings(n: int) -> None:
    for i in range(n):
        # Every 5 pairings: due, overdue, at risk, long at risk, on track.
        m = pairing(days_since=(8, 11, 15, 30, 3)[i % 5])
        if i % 3 == 0:
            checkin(m, days_ago=i % 20)
        if i % 4 == 0:
            MilestoneFactory(goal=GoalFactory(mentorship=m), due_date=TODAY + timedelta(days=3))
        if i % 5 == 0:
            prefer(m.mentee, weekly_digest=True)


def _count_sweep_queries() -> int:
    AtRiskFlag.objects.all().delete()
    ReminderSent.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        reminders_sweep(today=TODAY)
    return len(ctx.captured_queries)


def test_it_plans_the_sweep_in_a_constant_number_of_queries(django_assert_max_num_queries) -> None:
    _add_pairings(5)
    # 7, and 2 for the webhooks: read back the flags this sweep raised, record their events.
    with django_assert_max_num_queries(9):
        assert reminders_sweep(today=TODAY).mentorships == 5
    small = _count_sweep_queries()
    _add_pairings(45)
    with django_assert_max_num_queries(9):
        assert reminders_sweep(today=TODAY).mentorships == 50
    assert _count_sweep_queries() == small


def _count_send_queries() -> int:
    ReminderSent.objects.update(status="pending", claim_token="", lease_until=None)
    with CaptureQueriesContext(connection) as ctx:
        reminders_send_pending()
    return len(ctx.captured_queries)


def test_it_sends_a_batch_of_emails_in_a_constant_number_of_queries(settings) -> None:
    settings.EMAIL_BATCH = 100
    for _ in range(5):
        pairing(days_since=8)
    reminders_sweep(today=TODAY)
    # Lease the batch (4 and a savepoint pair), load it (1), stamp it with its logs and release
    # the rest (3 and a savepoint pair), find nothing more to lease (1 and a savepoint pair).
    assert _count_send_queries() == 15
    for _ in range(20):
        pairing(days_since=8)
    reminders_sweep(today=TODAY)
    assert ReminderSent.objects.count() == 50
    assert _count_send_queries() == 15
    assert len(mail.outbox) == 60


def test_it_plans_the_same_rows_through_the_portable_path(monkeypatch) -> None:
    # The SQLite development default cannot unnest arrays: bulk_create does the same job there.
    m = pairing(days_since=20)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    reminders_sweep(today=TODAY)
    reminders_sweep(today=TODAY)
    assert _kinds(m) == {("checkin_overdue", m.mentor_id), ("checkin_overdue", m.mentee_id)}
    assert AtRiskFlag.objects.filter(mentorship=m).count() == 1


def test_it_has_the_database_refuse_a_second_identical_reminder() -> None:
    from django.db import IntegrityError, transaction

    m = pairing(days_since=8)
    key = {"mentorship": m, "recipient": m.mentee, "kind": "checkin_due", "period_start": TODAY}
    ReminderSent.objects.create(**key)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(**key)


def test_it_sends_the_others_when_one_address_is_refused(monkeypatch) -> None:
    bad = pairing(days_since=8)
    pairing(days_since=8)
    reminders_sweep(today=TODAY)
    real = services._reminder_email

    def refuse_bad(row):
        if row.recipient_id == bad.mentee_id:
            raise ValueError("mailbox unavailable")
        return real(row)

    monkeypatch.setattr(services, "_reminder_email", refuse_bad)
    with pytest.raises(services.DeliveryFailed):
        reminders_send_pending()
    assert len(mail.outbox) == 3
    assert list(
        ReminderSent.objects.filter(status="pending").values_list("recipient", flat=True)
    ) == [bad.mentee_id]


def test_it_keeps_a_digest_pending_when_the_mail_server_refuses_it(settings) -> None:
    m = pairing(days_since=8)
    prefer(m.mentee, weekly_digest=True)
    reminders_sweep(today=TODAY)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    with pytest.raises(services.DeliveryFailed):
        services.digests_send(today=TODAY)
    assert Digest.objects.get().status == "pending"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.digests_send(today=TODAY) == 1
    assert EmailLog.objects.filter(digest__isnull=False).count() == 1
