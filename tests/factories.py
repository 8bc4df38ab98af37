"""factory-boy factories shared by every app's tests."""

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from mentorships.models import Goal, Mentorship, Milestone
from people.models import Department, User
from programs.models import Enrolment, EnrolmentSkill, Program, Skill

PASSWORD = "correct-horse-battery"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    job_title = "Engineer"
    department = factory.SubFactory(DepartmentFactory)
    hire_date = factory.LazyFunction(lambda: date.today() - timedelta(days=400))
    timezone = "Europe/London"
    password = factory.django.Password(PASSWORD)


class HRFactory(UserFactory):
    is_hr_coordinator = True
    job_title = "HR coordinator"


class PrivacyOfficerFactory(UserFactory):
    """May erase people (granted by a superuser); not an HR coordinator."""

    is_privacy_officer = True
    job_title = "Data protection officer"


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Skill {n}")
    category = "cloud"


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    purpose = "onboarding"
    format = "one_to_one"
    status = "enrolling"
    start_date = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    end_date = factory.LazyFunction(lambda: date.today() + timedelta(days=180))

    @factory.post_generation
    def coordinators(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.coordinators.set(extracted)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = "mentee"
    status = "approved"
    capacity = 2


class EnrolmentSkillFactory(DjangoModelFactory):
    class Meta:
        model = EnrolmentSkill

    enrolment = factory.SubFactory(EnrolmentFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2
    target_level = 4


class MentorshipFactory(DjangoModelFactory):
    class Meta:
        model = Mentorship

    program = factory.SubFactory(ProgramFactory, status="active")
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    status = "active"
    source = "manual"
    started_on = factory.LazyFunction(lambda: date.today() - timedelta(days=20))


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    mentorship = factory.SubFactory(MentorshipFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    target_date = factory.LazyFunction(lambda: date.today() + timedelta(days=90))


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
