"""Enrolment import into one program: rows matched by (program, email), skills replaced."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.utils import timezone

from core.bulk import delete_where_in, insert_rows, reserve_ids, update_rows
from mentorships.models import LIVE_STATUSES, Mentorship
from people.models import User
from programs.models import (
    CareerTrack,
    CommunicationStyle,
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    Format,
    MeetingMode,
    Program,
    Seniority,
    Skill,
    Status,
)

from . import csvcheck
from .csvcheck import Row, RowError
from .plans import PREVIEW_ROWS, Action, Plan

REQUIRED = ("email", "role")
OPTIONAL = (
    "capacity",
    "skills",
    "career_track",
    "career_goal",
    "communication_style",
    "meeting_mode",
    "years_experience",
    "seniority",
    "hours_per_month",
)
COLUMNS = (*REQUIRED, *OPTIONAL)
TEMPLATE_ROWS = (
    (
        "ada.lovelace@example.com",
        "mentor",
        "2",
        "Kubernetes:5;Terraform:4",
        "architecture",
        "",
        "structured",
        "video",
        "15",
        "principal",
        "6",
    ),
    (
        "alan.turing@example.com",
        "mentee",
        "",
        "Kubernetes:2>4;Terraform:1>3",
        "cloud",
        "Run production clusters on my own",
        "exploratory",
        "in_person",
        "2",
        "junior",
        "4",
    ),
)
# Built once: `.choices` rebuilds its list on every access.
CHOICES = {
    "career_track": CareerTrack.choices,
    "communication_style": CommunicationStyle.choices,
    "meeting_mode": MeetingMode.choices,
    "seniority": Seniority.choices,
}
NUMBERS = {"capacity": (1, 20), "years_experience": (0, 60), "hours_per_month": (1, 80)}
FIELDS = ("role", "capacity", *CHOICES, "career_goal", "years_experience", "hours_per_month")
MAX_GOAL = 2000

ROLES = EnrolmentRole.choices

# skill id -> (level, target level or None)
SkillSet = dict[int, tuple[int, int | None]]


@dataclass
class EnrolmentRow:
    line: int
    email: str
    values: dict[str, object]
    skills: SkillSet | None  # None: no skills column
    user_id: int = 0


def plan(text: str, *, program: Program) -> Plan:
    parsed = csvcheck.read(text, required=REQUIRED, optional=OPTIONAL, max_rows=csvcheck.MAX_ROWS)
    result = Plan(errors=[*_check_program(program), *parsed.errors], row_count=len(parsed.rows))
    if any(e.line == csvcheck.HEADER_LINE for e in result.errors):
        return result
    skills = {name.lower(): pk for pk, name in Skill.objects.values_list("pk", "name")}
    emails = {r.get("email").lower() for r in parsed.rows if r.get("email")}
    users = {
        email: (pk, active)
        for pk, email, active in User.objects.annotate(e=Lower("email"))
        .filter(e__in=emails)
        .values_list("pk", "e", "is_active")
    }
    rows: list[EnrolmentRow] = []
    for row in parsed.rows:
        checked, errors = _check_row(row, parsed.columns, program, skills, users)
        result.errors.extend(errors)
        if checked is not None:
            rows.append(checked)
    result.errors.extend(
        csvcheck.duplicates(
            parsed.rows, lambda r: r.get("email").lower(), "email", "row for this person"
        )
    )
    result.errors.extend(_role_changes_in_live_pairs(rows, program))
    if result.errors:
        return result
    _classify(result, rows, program)
    return result


def _check_program(program: Program) -> list[RowError]:
    if program.status == Status.CLOSED:
        return [
            RowError(
                csvcheck.HEADER_LINE, "", "This program is closed; its enrolments can't change."
            )
        ]
    return []


def _role_changes_in_live_pairs(rows: list[EnrolmentRow], program: Program) -> list[RowError]:
    """Changing the role of someone in a live mentorship would leave the pairing inconsistent."""
    live: dict[int, str] = {}
    for mentor_id, mentee_id in Mentorship.objects.filter(
        program=program, status__in=LIVE_STATUSES
    ).values_list("mentor_id", "mentee_id"):
        live.setdefault(mentor_id, EnrolmentRole.MENTOR)
        live.setdefault(mentee_id, EnrolmentRole.MENTEE)
    peer = program.format == Format.PEER
    return [
        RowError(
            row.line,
            "role",
            f"{row.email} is in a live mentorship as {live[row.user_id]}; "
            "end or reassign it before changing the role.",
        )
        for row in rows
        if row.user_id in live and not peer and row.values["role"] != live[row.user_id]
    ]


def _check_row(
    row: Row,
    columns: list[str],
    program: Program,
    skills: dict[str, int],
    users: dict[str, tuple[int, bool]],
) -> tuple[EnrolmentRow | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(row.line, column, message))

    email = row.get("email").lower()
    user_id = 0
    if not email:
        fail("email", "The email address is required.")
    elif email not in users:
        fail(
            "email",
            f"No employee with the email {email}. Import them in the people directory first.",
        )
    elif not users[email][1]:
        fail("email", f"{email} is no longer active.")
    else:
        user_id = users[email][0]
    role = _role(row.get("role"), program, fail)
    present = set(columns)
    values: dict[str, object] = {"role": role}
    for name, choices in CHOICES.items():
        if row.get(name):
            found = csvcheck.match_choice(row.get(name), choices)
            if found is None:
                fail(
                    name,
                    f"Unknown value “{row.get(name)}”. "
                    f"Use one of: {csvcheck.choice_help(choices)}.",
                )
            values[name] = found
    for name, (low, high) in NUMBERS.items():
        if row.get(name):
            try:
                values[name] = csvcheck.parse_int(row.get(name), low=low, high=high)
            except ValueError as exc:
                fail(name, str(exc))
    if row.get("career_goal"):
        if len(row.get("career_goal")) > MAX_GOAL:
            fail("career_goal", f"Too long: at most {MAX_GOAL} characters.")
        values["career_goal"] = row.get("career_goal")
    skill_set = _skills(row.get("skills"), role, skills, fail) if "skills" in present else None
    if errors:
        return None, errors
    return EnrolmentRow(row.line, email, values, skill_set, user_id), errors


def _role(value: str, program: Program, fail) -> str:
    role = csvcheck.match_choice(value, ROLES) if value else None
    if role is None:
        fail("role", f"Unknown role “{value}”. Use mentor, mentee or peer.")
        return ""
    peer_program = program.format == Format.PEER
    if peer_program and role != EnrolmentRole.PEER:
        fail("role", "This is a peer program: everyone joins as peer.")
    elif not peer_program and role == EnrolmentRole.PEER:
        fail(
            "role",
            f"Only peer programs take peers; this one is {program.get_format_display().lower()}.",
        )
    return role


def _skills(cell: str, role: str, known: dict[str, int], fail) -> SkillSet:
    """`Name:level` for mentors, `Name:current>target` for mentees; peers may use either."""
    found: SkillSet = {}
    for part in (p.strip() for p in cell.split(";")):
        if not part:
            continue
        name, sep, spec = part.rpartition(":")
        name = name.strip()
        if not sep or not name:
            fail("skills", f"“{part}” should look like {_example(role)}.")
            continue
        pk = known.get(name.lower())
        if pk is None:
            fail(
                "skills",
                f"Unknown skill “{name}”. Check the spelling or add it under Skills first.",
            )
            continue
        if pk in found:
            fail("skills", f"“{name}” is listed twice.")
            continue
        levels = _levels(spec.strip(), role, name, fail)
        if levels is not None:
            found[pk] = levels
    return found


def _example(role: str) -> str:
    return "Kubernetes:2>4" if role == EnrolmentRole.MENTEE else "Kubernetes:4"


def _levels(spec: str, role: str, name: str, fail) -> tuple[int, int | None] | None:
    current, arrow, target = spec.partition(">")
    if role == EnrolmentRole.MENTOR and arrow:
        fail("skills", f"“{name}”: mentors give one level, e.g. {name}:4.")
        return None
    if role == EnrolmentRole.MENTEE and not arrow:
        fail("skills", f"“{name}”: mentees give current>target, e.g. {name}:2>4.")
        return None
    try:
        level = csvcheck.parse_int(current.strip(), low=1, high=5)
        goal = csvcheck.parse_int(target.strip(), low=1, high=5) if arrow else None
    except ValueError as exc:
        fail("skills", f"“{name}”: level {exc}")
        return None
    if goal is not None and goal <= level:
        fail("skills", f"“{name}”: the target ({goal}) must be above the current level ({level}).")
        return None
    return level, goal


def _classify(result: Plan, rows: list[EnrolmentRow], program: Program) -> None:
    user_ids = [r.user_id for r in rows]
    existing = {
        e["user_id"]: e
        for e in Enrolment.objects.filter(program=program, user_id__in=user_ids).values(
            "pk", "user_id", *FIELDS, "updated_at"
        )
    }
    current_skills: dict[int, SkillSet] = {e["pk"]: {} for e in existing.values()}
    for enrolment_id, skill_id, level, target in EnrolmentSkill.objects.filter(
        enrolment__program=program, enrolment__user_id__in=user_ids
    ).values_list("enrolment_id", "skill_id", "level", "target_level"):
        current_skills[enrolment_id][skill_id] = (level, target)
    for row in rows:
        enrolment = existing.get(row.user_id)
        if enrolment is None:
            action = Action.CREATE
        elif _changed(row, enrolment, current_skills[enrolment["pk"]]):
            action = Action.UPDATE
        else:
            action = Action.UNCHANGED
        result.actions.append(action)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append(
                {
                    "line": row.line,
                    "action": action,
                    "email": row.email,
                    "role": row.values["role"],
                    "skills": len(row.skills or {}),
                }
            )
    planned = list(zip(rows, result.actions, strict=True))
    result.apply = lambda: _apply(planned, existing, current_skills, program)


def _new_values(row: EnrolmentRow, program: Program) -> dict[str, object]:
    """A blank cell means the default for a new enrolment (and "keep" for an existing one)."""
    default_capacity = (
        program.default_mentor_capacity if row.values["role"] == EnrolmentRole.MENTOR else 1
    )
    return {"capacity": default_capacity, **row.values}


def _changed(row: EnrolmentRow, enrolment: dict[str, object], skills: SkillSet) -> bool:
    if any(enrolment[k] != v for k, v in row.values.items()):
        return True
    return row.skills is not None and row.skills != skills


def _apply(
    planned: list[tuple[EnrolmentRow, str]],
    existing: dict[int, dict[str, object]],
    current_skills: dict[int, SkillSet],
    program: Program,
) -> dict[str, int]:
    created: list[tuple[EnrolmentRow, dict[str, object]]] = []
    updated: list[tuple[EnrolmentRow, dict[str, object]]] = []
    now = timezone.now()
    new_ids = iter(reserve_ids(Enrolment, sum(1 for _, a in planned if a == Action.CREATE)))
    for row, action in planned:
        if action == Action.CREATE:
            created.append(
                (
                    row,
                    {
                        "id": next(new_ids),
                        "program_id": program.pk,
                        "user_id": row.user_id,
                        "status": EnrolmentStatus.APPROVED.value,
                        **_new_values(row, program),
                    },
                )
            )
        elif action == Action.UPDATE:
            # updated_at by hand: a bulk write skips auto_now
            updated.append((row, {**existing[row.user_id], **row.values, "updated_at": now}))
    insert_rows(Enrolment, [values for _, values in created])
    update_rows(Enrolment, [values for _, values in updated], [*FIELDS, "updated_at"])
    pairs = [(r, int(values["id"])) for r, values in created] + [
        (r, int(values["pk"])) for r, values in updated
    ]
    return {"skills_written": _replace_skills(pairs, current_skills)}


def _replace_skills(
    pairs: list[tuple[EnrolmentRow, int]], current_skills: dict[int, SkillSet]
) -> int:
    changed = [
        (r, pk) for r, pk in pairs if r.skills is not None and r.skills != current_skills.get(pk)
    ]
    delete_where_in(
        EnrolmentSkill, "enrolment_id", [pk for _, pk in changed if current_skills.get(pk)]
    )
    rows = [
        {"enrolment_id": pk, "skill_id": skill_id, "level": level, "target_level": target}
        for r, pk in changed
        for skill_id, (level, target) in (r.skills or {}).items()
    ]
    return insert_rows(EnrolmentSkill, rows)
