"""Form payloads shared by the enrolment tests."""

from programs.models import Skill


def skill_rows(rows: list[tuple[Skill | None, int | str, int | str]], extra: int = 0) -> dict:
    """Formset data for (skill, level, target) rows; `extra` blank rows as the page sends them."""
    data = {
        "skills-TOTAL_FORMS": str(len(rows) + extra),
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "12",
    }
    for i, (skill, level, target) in enumerate(rows):
        data[f"skills-{i}-skill"] = str(skill.pk) if skill else ""
        data[f"skills-{i}-level"] = str(level)
        data[f"skills-{i}-target_level"] = str(target)
    for i in range(len(rows), len(rows) + extra):
        data[f"skills-{i}-skill"] = ""
        data[f"skills-{i}-level"] = ""
        data[f"skills-{i}-target_level"] = ""
    return data


def details(**overrides) -> dict:
    data = {
        "career_track": "cloud",
        "career_goal": "Run production Kubernetes on my own.",
        "communication_style": "direct",
        "meeting_mode": "video",
        "years_experience": "3",
        "seniority": "junior",
        "hours_per_month": "6",
        "avoid_emails": "",
        "capacity": "3",
    }
    data.update(overrides)
    return data
