import pytest
from django.core.management import CommandError, call_command

from people.demo import DEMO_LOGINS, DEMO_PASSWORD
from people.models import User
from programs.models import Program
from selfmatch.models import Choice, Mode, ProgramMatching

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_it_creates_the_demo_organisation_and_logins():
    call_command("seed_demo")
    assert 140 <= User.objects.count() <= 200
    for email in DEMO_LOGINS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert User.objects.get(email="hr@tandem.example").is_hr_coordinator
    assert User.objects.filter(manager__email="manager@tandem.example").exists()
    assert set(Program.objects.values_list("format", flat=True)) >= {"one_to_one", "group"}


@pytest.mark.slow
def test_it_is_safe_to_run_twice():
    call_command("seed_demo")
    counts = (User.objects.count(), Program.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Program.objects.count()) == counts


@pytest.mark.slow
def test_it_loads_once_with_the_once_flag(capsys):
    call_command("seed_demo")
    User.objects.filter(email="employee001@tandem.example").delete()
    call_command("seed_demo", "--once")
    assert not User.objects.filter(email="employee001@tandem.example").exists()
    assert "hr@tandem.example" in capsys.readouterr().out


def test_it_refuses_under_the_production_settings(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to load the demo data"):
        call_command("seed_demo")
    assert not User.objects.filter(email__in=DEMO_LOGINS).exists()


@pytest.mark.slow
def test_it_loads_under_the_production_settings_when_forced(settings):
    settings.IS_PRODUCTION = True
    call_command("seed_demo", "--force")
    assert User.objects.get(email="hr@tandem.example").check_password(DEMO_PASSWORD)


@pytest.mark.slow
def test_it_seeds_a_self_match_program_with_a_request_for_the_demo_mentor():
    call_command("seed_demo")
    assert ProgramMatching.objects.get(program__slug="platform-guild").mode == Mode.SELF
    choice = Choice.objects.get(request__program__slug="platform-guild")
    assert (choice.mentor.email, choice.status) == ("mentor@tandem.example", "pending")
