"""Demo rows for learning: resources for the skills the demo goals touch, a certification
catalogue, and the demo pair preparing for a certification (a goal with milestones).

Idempotent: resources are keyed by skill and link, certifications by name, and the demo pair
gets its certification goal only once."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from mentorships.models import LIVE_STATUSES, Mentorship
from people.models import User
from programs.models import Enrolment, Program, Skill

from . import services
from .models import Certification, CertificationGoal, ExamResult, Resource, ResourceCompletion

# The metrics demo's finished pilot program (metrics.demo.PILOT_SLUG).
PILOT_SLUG = "mentoring-pilot"

# (skill, title, provider, link, kind, level)
RESOURCES = [
    ("AWS", "AWS Well-Architected Framework", "Amazon Web Services",
     "https://docs.aws.amazon.com/wellarchitected/latest/framework/welcome.html",
     "documentation", 2),
    ("AWS", "AWS Skill Builder: Cloud Practitioner Essentials", "Amazon Web Services",
     "https://skillbuilder.aws/", "course", 1),
    ("Cloud architecture", "Azure Architecture Center", "Microsoft Learn",
     "https://learn.microsoft.com/azure/architecture/", "documentation", 3),
    ("Terraform", "Terraform tutorials", "HashiCorp",
     "https://developer.hashicorp.com/terraform/tutorials", "lab", 2),
    ("Terraform", "Terraform: Up & Running", "O'Reilly",
     "https://www.terraformupandrunning.com/", "book", 3),
    ("Kubernetes", "Kubernetes basics", "kubernetes.io",
     "https://kubernetes.io/docs/tutorials/kubernetes-basics/", "documentation", 1),
    ("Kubernetes", "Kubernetes the hard way", "GitHub",
     "https://github.com/kelseyhightower/kubernetes-the-hard-way", "lab", 4),
    ("PostgreSQL", "Using EXPLAIN", "PostgreSQL documentation",
     "https://www.postgresql.org/docs/current/using-explain.html", "documentation", 2),
    ("Incident response", "Google SRE book: managing incidents", "Google",
     "https://sre.google/sre-book/managing-incidents/", "book", 2),
    ("Site reliability engineering", "Site Reliability Engineering (the SRE book)", "Google",
     "https://sre.google/sre-book/table-of-contents/", "book", 2),
]  # fmt: skip

# (name, issuer, link, skills, objectives)
CERTIFICATIONS = [
    ("AWS Certified Solutions Architect – Associate", "Amazon Web Services",
     "https://aws.amazon.com/certification/certified-solutions-architect-associate/",
     ["AWS", "Cloud architecture"],
     ["Design secure architectures", "Design resilient architectures",
      "Design high-performing architectures", "Design cost-optimized architectures"]),
    ("Certified Kubernetes Administrator", "Cloud Native Computing Foundation",
     "https://www.cncf.io/training/certification/cka/", ["Kubernetes"],
     ["Cluster architecture, installation and configuration", "Workloads and scheduling",
      "Services and networking", "Storage", "Troubleshooting"]),
    ("HashiCorp Certified: Terraform Associate", "HashiCorp",
     "https://developer.hashicorp.com/certifications/infrastructure-automation",
     ["Terraform"],
     ["Infrastructure as code concepts", "Terraform basics and the core workflow",
      "Modules and state", "Terraform Cloud capabilities"]),
]  # fmt: skip


def seed(context: dict) -> None:
    catalogue = _catalogue(context["demo"]["hr"])
    _demo_pair_goal(context["demo"], catalogue)
    _pilot_exams(list(catalogue.values()))


def _catalogue(hr) -> dict[str, Certification]:
    """The resource library and the certification catalogue."""
    skills = {s.name.lower(): s for s in Skill.objects.all()}
    for skill_name, title, provider, url, kind, level in RESOURCES:
        skill = skills.get(skill_name.lower())
        if skill is not None:
            Resource.objects.get_or_create(
                skill=skill,
                url=url,
                defaults={
                    "title": title,
                    "provider": provider,
                    "kind": kind,
                    "level": level,
                    "created_by": hr,
                },
            )
    catalogue = {}
    for name, issuer, url, skill_names, objectives in CERTIFICATIONS:
        cert, created = Certification.objects.get_or_create(
            name=name, defaults={"issuer": issuer, "url": url, "objectives": "\n".join(objectives)}
        )
        if created:
            cert.skills.set([skills[n.lower()] for n in skill_names if n.lower() in skills])
        catalogue[name] = cert
    return catalogue


def _demo_pair_goal(demo: dict, catalogue: dict[str, Certification]) -> None:
    pair = (
        Mentorship.objects.filter(
            Q(mentor=demo["mentor"]) & Q(mentee=demo["mentee"]), status__in=LIVE_STATUSES
        )
        .order_by("pk")
        .first()
    )
    if pair is None or CertificationGoal.objects.filter(goal__mentorship=pair).exists():
        return
    cka = catalogue["Certified Kubernetes Administrator"]
    services.certification_goal_create(
        mentorship=pair,
        certification=cka,
        target_date=timezone.localdate() + timedelta(days=75),
        by=pair.mentee,
    )
    first = Resource.objects.filter(skill__in=cka.skills.all()).order_by("level", "pk").first()
    if first is not None:
        ResourceCompletion.objects.get_or_create(resource=first, mentorship=pair, user=pair.mentee)


def _pilot_exams(certifications: list[Certification]) -> None:
    """Exam results for the pilot's participants and for non-participants of their departments
    (the comparison group), so that the dashboards' certification figures have people behind
    them. Participants sit and pass a little more often, and sooner."""
    pilot = Program.objects.filter(slug=PILOT_SLUG).first()
    if pilot is None or ExamResult.objects.filter(certification_goal__isnull=True).exists():
        return
    rng = random.Random(1818)  # own generator: the same results on every run and machine
    today = timezone.localdate()
    taking_part = set(Enrolment.objects.values_list("user_id", flat=True))
    participants = list(User.objects.filter(enrolments__program=pilot).order_by("email").distinct())
    departments = {u.department_id for u in participants}
    others = list(
        User.objects.filter(department_id__in=departments, hire_date__lt=pilot.start_date)
        .exclude(pk__in=taking_part)
        .order_by("email")
    )
    span = (today - pilot.start_date).days - 30
    rows = []
    for people, sits, passes, prep in (
        (participants, 0.5, 0.8, (45, 150)),
        (others, 0.55, 0.65, (90, 260)),
    ):
        for person in people:
            if rng.random() >= sits:
                continue
            taken = pilot.start_date + timedelta(days=rng.randint(30, max(span, 31)))
            rows.append(
                ExamResult(
                    employee=person,
                    certification=rng.choice(certifications),
                    taken_on=taken,
                    passed=rng.random() < passes,
                    prepared_from=taken - timedelta(days=rng.randint(*prep)),
                )
            )
    ExamResult.objects.bulk_create(rows, ignore_conflicts=True)
