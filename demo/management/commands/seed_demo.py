import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from careers import demo as careers_demo
from checkins import demo as checkins_demo
from experts import demo as experts_demo
from feedback import demo as feedback_demo
from learning import demo as learning_demo
from mentorships import demo as mentorships_demo
from metrics import demo as metrics_demo
from people.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_org
from people.models import User
from programs.demo import seed_enrolments, seed_programs
from reminders import demo as reminders_demo
from selfmatch import demo as selfmatch_demo

# Apps that add their own demo rows, in order: each app's demo.py defines `seed(context)`. The
# outcome events of the learning demo's exam passes come last: the exams need metrics' pilot
# program, and the events need the exams.
EXTRA_SEEDS = [
    mentorships_demo.seed,
    checkins_demo.seed,
    reminders_demo.seed,
    feedback_demo.seed,
    metrics_demo.seed,
    experts_demo.seed,
    selfmatch_demo.seed,
    careers_demo.seed,
    learning_demo.seed,
    metrics_demo.seed_exam_outcomes,
]


class Command(BaseCommand):
    help = "Load the demo organisation, programs and logins. Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Do nothing if the demo data is already loaded."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under the production settings too (the demo logins share one published "
            "password: only for a throwaway or staging site).",
        )

    def handle(self, *args, **options) -> None:
        if settings.IS_PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load the demo data under the production settings: it creates "
                f"accounts whose password ({DEMO_PASSWORD}) is in the README. Use --force only "
                "for a throwaway or staging site."
            )
        if options["once"] and User.objects.filter(email="hr@tandem.example").exists():
            self.stdout.write("Demo data is already loaded. Sign in with:")
            self._print_logins()
            return
        rng = random.Random(42)  # same organisation on every machine
        with transaction.atomic():
            demo = seed_org(rng)
            programs = seed_programs(demo["hr"])
            seed_enrolments(programs, demo, rng)
            context = {"demo": demo, "programs": programs, "rng": rng}
            for seed in EXTRA_SEEDS:
                seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in with:"))
        self._print_logins()

    def _print_logins(self) -> None:
        for email, role in DEMO_LOGINS.items():
            self.stdout.write(f"  {email:<26} {DEMO_PASSWORD}   ({role})")
