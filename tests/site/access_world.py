"""A small organisation with one object of every kind, for the access-control tests.

Program P (active, one-to-one) is coordinated by `hr`; `mentor` and `mentee` are paired in
mentorship M with a goal, milestone, agreement, a check-in with private notes, an action item
and a pulse. Program Q is coordinated by `other_hr`, with its own mentorship M2 between
`other_mentor` and `other_mentee`. `privacy_officer` may erase people and is otherwise a plain
employee. Program O is open for enrolment; the mentee's enrolment in
it waits for `line_manager`'s approval. `outside_manager` manages someone unrelated.

Every text that only some roles may read carries a marker (see `MARKERS`), so the access test
can grep every response for text a role must never see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from api.services import api_token_create
from careers.models import CareerPath, ChecklistItem, Evidence, RoleSkill, TargetRole, WorkRole
from checkins import services as checkin_services
from checkins.models import CheckInTemplate, Recognition
from experts.models import FlashSession
from experts.selectors import month_of
from experts.services import expert_profile_save
from feedback.models import (
    AssessmentRequest,
    AssessmentRound,
    RaterRole,
    SendStatus,
    Survey,
    SurveyInvitation,
)
from feedback.services import survey_save
from imports.models import BatchStatus, ImportBatch, ImportKind
from learning.models import Certification, CertificationGoal, Resource
from matching.models import MatchingRun, PairRule, Proposal, RunStatus
from mentorships import services as mentorship_services
from metrics.models import OutcomeEvent
from people.models import User
from reminders.services import calendar_token_rotate
from selfmatch.models import Choice as SelfMatchChoice
from selfmatch.models import MatchRequest
from tests.factories import (
    EnrolmentFactory,
    EnrolmentSkillFactory,
    HRFactory,
    MilestoneFactory,
    ProgramFactory,
    SkillFactory,
    UserFactory,
)
from webhooks.models import Endpoint

PRIVATE_NOTE = "TOP-SECRET-NOTE"
OTHER_PRIVATE_NOTE = "OTHER-PAIR-SECRET-NOTE"
RESET_REASON = "RESET-REASON-CONFIDENTIAL"
CAREER_GOAL = "CAREER-GOAL-OF-THE-MENTEE"
AVOIDED = "avoided.colleague@access.example"
OUTCOME_NOTE = "OUTCOME-NOTE-HR-ONLY"
RECOGNITION = "RECOGNITION-FOR-THE-MENTOR"
IMPORT_FILE = "ENROLMENTS-OF-PROGRAM-P.csv"
WEBHOOK_SECRET = "whsec_WEBHOOK-SECRET-OF-PROGRAM-P"
SELFMATCH_NOTE = "SELFMATCH-NOTE-FOR-THE-MENTOR"
FLASH_NOTE = "FLASH-SESSION-NOTE-FOR-THE-EXPERT"
EVIDENCE_NOTE = "CAREER-EVIDENCE-NOTE-OF-THE-PAIR"

ANONYMOUS = "anonymous"
MENTEE = "mentee"
MENTOR = "mentor"
OTHER_PARTICIPANT = "other_participant"
LINE_MANAGER = "line_manager"
OUTSIDE_MANAGER = "outside_manager"
OTHER_HR = "other_hr"
HR = "hr"
# Still listed as a coordinator of P, but no longer an HR coordinator (a role change).
FORMER_HR = "former_hr"
# Granted by a superuser: may erase people; not an HR coordinator.
PRIVACY_OFFICER = "privacy_officer"

ROLES: tuple[str, ...] = (
    ANONYMOUS,
    MENTEE,
    MENTOR,
    OTHER_PARTICIPANT,
    LINE_MANAGER,
    OUTSIDE_MANAGER,
    OTHER_HR,
    HR,
    FORMER_HR,
    PRIVACY_OFFICER,
)
SIGNED_IN: frozenset[str] = frozenset(ROLES) - {ANONYMOUS}

# Text -> the roles allowed to see it in any page. Everyone else must never receive it.
MARKERS: dict[str, frozenset[str]] = {
    PRIVATE_NOTE: frozenset({MENTEE, MENTOR}),
    # M2's notes belong to other_mentee and other_mentor only.
    OTHER_PRIVATE_NOTE: frozenset({OTHER_PARTICIPANT}),
    # A reset request is between the person who raised it (the mentee) and HR.
    RESET_REASON: frozenset({MENTEE, HR}),
    # What the mentee wrote when enrolling: their mentor and the program's HR may read it.
    CAREER_GOAL: frozenset({MENTEE, MENTOR, HR}),
    # "Only HR sees this" (the enrolment form's promise). The avoided person's own email is
    # also listed in the people directory, which every HR coordinator may open.
    AVOIDED: frozenset({MENTEE, HR, OTHER_HR}),
    # Career outcomes are HR records (any HR coordinator's outcomes page) and the person's own.
    OUTCOME_NOTE: frozenset({MENTEE, HR, OTHER_HR}),
    RECOGNITION: frozenset({MENTOR, HR}),
    # An enrolment import belongs to its program's coordinators, not to every HR coordinator.
    IMPORT_FILE: frozenset({HR}),
    # A program's webhook endpoints (and their signing secrets) belong to its coordinators.
    WEBHOOK_SECRET: frozenset({HR}),
    # A mentee's note with a self-match request: for the mentors asked, not for HR.
    SELFMATCH_NOTE: frozenset({MENTEE, MENTOR}),
    # Ask an expert: the mentee's note to the mentor about a one-off session, for the two.
    FLASH_NOTE: frozenset({MENTEE, MENTOR}),
    # Careers: the mentee's evidence for a checklist item, for the pair to see and confirm.
    EVIDENCE_NOTE: frozenset({MENTEE, MENTOR}),
}


@dataclass
class World:
    hr: User
    other_hr: User
    mentor: User
    mentee: User
    line_manager: User
    former_hr: User
    outside_manager: User
    outside_report: User
    other_mentor: User
    other_mentee: User
    privacy_officer: User
    p: object
    q: object
    o: object
    m: object
    m2: object
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str) -> object:
        # Extra rows (goal, checkin, run, ...) are reachable as attributes: w.goal, w.checkin.
        objects = self.__dict__.get("objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)

    def user(self, role: str) -> User | None:
        return {
            ANONYMOUS: None,
            MENTEE: self.mentee,
            MENTOR: self.mentor,
            OTHER_PARTICIPANT: self.other_mentee,
            LINE_MANAGER: self.line_manager,
            OUTSIDE_MANAGER: self.outside_manager,
            OTHER_HR: self.other_hr,
            HR: self.hr,
            FORMER_HR: self.former_hr,
            PRIVACY_OFFICER: self.privacy_officer,
        }[role]


def _pair(program, mentor: User, mentee: User, by: User):
    skill = SkillFactory(name="Kubernetes")
    mentor_e = EnrolmentFactory(program=program, user=mentor, role="mentor", capacity=2)
    mentee_e = EnrolmentFactory(
        program=program,
        user=mentee,
        role="mentee",
        career_goal=CAREER_GOAL if program.slug == "prog-p" else "",
    )
    EnrolmentSkillFactory(enrolment=mentor_e, skill=skill, level=4, target_level=None)
    EnrolmentSkillFactory(enrolment=mentee_e, skill=skill, level=1, target_level=3)
    return mentorship_services.mentorship_create(
        program=program, mentor=mentor, mentee=mentee, by=by, note="paired by HR"
    )


def _checkin(mentorship, goal, milestone, note: str):
    return checkin_services.checkin_create(
        mentorship=mentorship,
        author=mentorship.mentee,
        when=date.today(),
        duration_minutes=45,
        activity="pair_programming",
        skills=[],
        goals=[goal],
        milestones=[milestone],
        private_notes=note,
        shared_summary="Shared: went through CI.",
        action_items=[
            checkin_services.ActionItemData(
                text="Read the runbook",
                owner=mentorship.mentee,
                due_date=None,
            )
        ],
        pulse=4,
    )


def build_world() -> World:
    hr = HRFactory(email="hr@access.example", full_name="Hannah Coordinator")
    other_hr = HRFactory(email="other.hr@access.example", full_name="Otto Coordinator")
    former_hr = UserFactory(email="former.hr@access.example", full_name="Fay Former")
    line_manager = UserFactory(email="line.manager@access.example", full_name="Lena Manager")
    outside_manager = UserFactory(email="outside.manager@access.example", full_name="Oscar Outside")
    outside_report = UserFactory(email="outside.report@access.example", manager=outside_manager)
    # Not one of the roles: someone for recognitions of the mentor to go to.
    mentor_manager = UserFactory(email="mentor.manager@access.example")
    mentor = UserFactory(
        email="mentor@access.example", full_name="Mona Mentor", manager=mentor_manager
    )
    mentee = UserFactory(
        email="mentee@access.example", full_name="Manu Mentee", manager=line_manager
    )
    other_mentor = UserFactory(email="other.mentor@access.example")
    other_mentee = UserFactory(email="other.mentee@access.example")
    privacy_officer = UserFactory(
        email="privacy.officer@access.example", full_name="Priya Privacy", is_privacy_officer=True
    )

    p = ProgramFactory(
        slug="prog-p",
        name="Program P",
        status="active",
        format="one_to_one",
        coordinators=[hr, former_hr],
    )
    q = ProgramFactory(
        slug="prog-q",
        name="Program Q",
        status="active",
        format="one_to_one",
        coordinators=[other_hr],
    )
    o = ProgramFactory(
        slug="prog-o",
        name="Program O",
        status="enrolling",
        requires_manager_approval=True,
        coordinators=[hr],
    )

    m = _pair(p, mentor, mentee, hr)
    m2 = _pair(q, other_mentor, other_mentee, other_hr)
    pending = EnrolmentFactory(program=o, user=mentee, role="mentee", status="pending")
    avoided = UserFactory(email=AVOIDED, full_name="Avery Avoided")
    m.program.enrolments.get(user=mentee).avoid.add(avoided)

    goal = mentee_goal(m)
    milestone = MilestoneFactory(goal=goal, title="Deploy to staging")
    checkin = _checkin(m, goal, milestone, PRIVATE_NOTE)
    goal2 = mentee_goal(m2)
    checkin2 = _checkin(m2, goal2, MilestoneFactory(goal=goal2), OTHER_PRIVATE_NOTE)
    reset = mentorship_services.reset_request_create(
        mentorship=m, raised_by=mentee, reason=RESET_REASON
    )

    w = World(
        hr=hr,
        other_hr=other_hr,
        former_hr=former_hr,
        mentor=mentor,
        mentee=mentee,
        line_manager=line_manager,
        outside_manager=outside_manager,
        outside_report=outside_report,
        other_mentor=other_mentor,
        other_mentee=other_mentee,
        privacy_officer=privacy_officer,
        p=p,
        q=q,
        o=o,
        m=m,
        m2=m2,
    )
    w.objects.update(
        goal=goal,
        milestone=milestone,
        checkin=checkin,
        action_item=checkin.action_items.get(),
        goal2=goal2,
        checkin2=checkin2,
        reset=reset,
        pending_enrolment=pending,
        agreement=m.agreement,
    )
    _add_app_rows(w)
    return w


def mentee_goal(mentorship):
    goal = mentorship_services.goal_create(
        mentorship=mentorship,
        by=mentorship.mentee,
        data={
            "title": "Run the on-call rota",
            "description": "",
            "success_measure": "",
            "target_date": date.today() + timedelta(days=60),
            "status": "in_progress",
        },
        skills=[SkillFactory(name="Kubernetes")],
    )
    return goal


def _add_app_rows(w: World) -> None:
    now = timezone.now()
    today = date.today()
    template = CheckInTemplate.objects.create(program=w.p, name="P agenda", agenda="- Wins")
    recognition = Recognition.objects.create(
        mentor=w.mentor, sent_by=w.hr, sent_to=w.mentor.manager, message=RECOGNITION
    )
    survey = survey_save(
        program=w.p,
        kind="mid_point",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=20),
        for_mentees=True,
        for_mentors=True,
        for_managers=True,
    )
    Survey.objects.filter(pk=survey.pk).update(status=SendStatus.SENT)
    invitation = SurveyInvitation.objects.create(
        survey=survey, user=w.mentee, role="mentee", sent_at=now
    )
    round_ = AssessmentRound.objects.create(
        program=w.p, kind="baseline", due_on=today, status=SendStatus.SENT
    )
    assessment = AssessmentRequest.objects.create(
        round=round_,
        mentorship=w.m,
        mentee=w.mentee,
        rater=w.mentee,
        rater_role=RaterRole.MENTEE,
        sent_at=now,
    )
    batch = ImportBatch.objects.create(
        kind=ImportKind.ENROLMENTS,
        program=w.p,
        uploaded_by=w.hr,
        filename=IMPORT_FILE,
        content="email,role\n",
        row_count=0,
        status=BatchStatus.PREVIEWED,
    )
    outcome = OutcomeEvent.objects.create(
        employee=w.mentee,
        kind="promotion",
        occurred_on=today,
        from_role="Engineer",
        to_role="Senior engineer",
        recorded_by=w.hr,
        note=OUTCOME_NOTE,
    )
    run = MatchingRun.objects.create(program=w.p, started_by=w.hr, status=RunStatus.SUCCEEDED)
    proposal = Proposal.objects.create(run=run, mentee=w.mentee, mentor=w.mentor, score=80)
    rule = PairRule.objects.create(
        program=w.p, mentee=w.mentee, mentor=w.other_mentor, kind="forbid", created_by=w.hr
    )
    token = calendar_token_rotate(user=w.mentee)
    api_token = api_token_create(
        user=w.mentee, name="Mentee's script", scopes=["programs:read"], expires_in_days=30
    ).token
    webhook = Endpoint.objects.create(
        program=w.p,
        url="https://hooks.example.com/tandem",
        secret=WEBHOOK_SECRET,
        events=["checkin.logged"],
        created_by=w.hr,
    )
    match_request = MatchRequest.objects.create(program=w.p, mentee=w.mentee, note=SELFMATCH_NOTE)
    match_choice = SelfMatchChoice.objects.create(
        request=match_request,
        rank=1,
        mentor=w.mentor,
        status="pending",
        sent_at=now,
        due_at=now + timedelta(days=5),
    )
    # Ask an expert: the mentor is listed (Kubernetes, from their program enrolment) and the
    # mentee has asked them for a one-off session.
    expert_profile_save(
        user=w.mentor, listed=True, monthly_sessions=3, share_program_skills=True, skills=[]
    )
    soon = now + timedelta(days=2)
    flash = FlashSession.objects.create(
        requester=w.mentee,
        expert=w.mentor,
        skill=SkillFactory(name="Kubernetes"),
        note=FLASH_NOTE,
        option_1=soon,
        month=month_of(soon),
    )
    # Careers: a role the mentee works towards, a checklist item with evidence waiting for
    # the mentor, and a career path into the role.
    work_role = WorkRole.objects.create(title="Platform engineer", family="cloud")
    kubernetes = SkillFactory(name="Kubernetes")
    RoleSkill.objects.create(role=work_role, skill=kubernetes, level=3)
    from_role = WorkRole.objects.create(title="Systems administrator", family="infrastructure")
    career_path = CareerPath.objects.create(from_role=from_role, to_role=work_role)
    item = ChecklistItem.objects.create(skill=kubernetes, level=2, text="Drains a node safely")
    TargetRole.objects.create(
        enrolment=w.p.enrolments.get(user=w.mentee), role=work_role, set_by=w.mentee
    )
    evidence = Evidence.objects.create(
        mentorship=w.m, item=item, note=EVIDENCE_NOTE, submitted_by=w.mentee
    )
    w.objects.update(
        work_role=work_role,
        career_path=career_path,
        checklist_item=item,
        evidence=evidence,
    )
    # Learning: a resource for the goal's skill, a certification, and the goal prepares for it.
    resource = Resource.objects.create(
        skill=w.goal.skills.get(),
        title="Staging pipelines",
        url="https://example.com/staging",
        kind="course",
        level=2,
    )
    certification = Certification.objects.create(
        name="Certified Kubernetes Administrator", issuer="CNCF", objectives="Cluster architecture"
    )
    cert_goal = CertificationGoal.objects.create(
        goal=w.goal, certification=certification, started_on=timezone.localdate()
    )
    w.objects.update(
        resource=resource,
        certification=certification,
        cert_goal=cert_goal,
        webhook=webhook,
        pair_rule=rule,
        template=template,
        recognition=recognition,
        survey=survey,
        invitation=invitation,
        round=round_,
        assessment=assessment,
        batch=batch,
        outcome=outcome,
        run=run,
        proposal=proposal,
        calendar_token=token,
        api_token=api_token,
        match_request=match_request,
        match_choice=match_choice,
        flash=flash,
    )


# --- database snapshots: prove what a request changed ---------------------------------------

WATCHED_APPS = (
    "api",
    "people",
    "programs",
    "mentorships",
    "matching",
    "checkins",
    "metrics",
    "imports",
    "reminders",
    "feedback",
    "experts",
    "learning",
    "audit",
    "outbox",
    "webhooks",
    "selfmatch",
    "careers",
)
VOLATILE = frozenset({"last_login", "health_stale"})
# Derived rows the app recomputes from others (a check-in or pulse updates the stored health;
# database triggers count each program's changes, and its pages store figures against them).
DERIVED = frozenset(
    {
        "checkins.MentorshipHealth",
        "checkins.HealthChanges",
        "checkins.HealthFigures",
        "mentorships.PairingChanges",
        "mentorships.PairingFigures",
    }
)

Snapshot = dict[str, dict[object, dict]]


def fingerprint() -> Snapshot:
    """Every row of the project's own tables, by model label and primary key."""
    from django.apps import apps

    state: Snapshot = {}
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in DERIVED:
                continue
            state[model._meta.label] = {
                row["id"] if "id" in row else repr(row): {
                    k: v for k, v in row.items() if k not in VOLATILE
                }
                for row in model.objects.order_by("pk").values()
            }
    return state


@dataclass
class Diff:
    changed: dict[tuple[str, object], set[str]]
    created: dict[str, list[dict]]
    deleted: dict[str, list[object]]


def diff(before: Snapshot, after: Snapshot) -> Diff:
    changed: dict[tuple[str, object], set[str]] = {}
    created: dict[str, list[dict]] = {}
    deleted: dict[str, list[object]] = {}
    for label, rows in after.items():
        old = before.get(label, {})
        for pk, row in rows.items():
            if pk not in old:
                created.setdefault(label, []).append(row)
            elif row != old[pk]:
                changed[(label, pk)] = {k for k in row if row[k] != old[pk].get(k)}
        gone = [pk for pk in old if pk not in rows]
        if gone:
            deleted[label] = gone
    return Diff(changed, created, deleted)


def table_hashes() -> dict[str, str]:
    """One hash per project table, in a single query: a cheap "did anything change?" check."""
    from django.apps import apps
    from django.db import connection

    qn = connection.ops.quote_name
    parts = []
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            table = qn(model._meta.db_table)
            pk = qn(model._meta.pk.column)
            if connection.vendor == "postgresql":
                parts.append(
                    f"SELECT '{model._meta.label}', md5(coalesce(string_agg("
                    f"(to_jsonb(t) - 'last_login')::text, '|' ORDER BY t.{pk}), '')) FROM {table} t"
                )
                continue
            # SQLite: every row as a JSON array, in key order (no md5: the text itself).
            columns = ", ".join(
                qn(f.column) for f in model._meta.concrete_fields if f.column != "last_login"
            )
            parts.append(
                f"SELECT '{model._meta.label}', coalesce((SELECT group_concat(r, '|') FROM "
                f"(SELECT json_array({columns}) AS r FROM {table} ORDER BY {pk})), '')"
            )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())
