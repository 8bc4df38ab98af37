"""The global check-in agendas every program starts with (used by a data migration and the demo)."""

DEFAULT_TEMPLATES: list[tuple[str, str]] = [
    (
        "First meeting",
        "- Expectations: what each of us wants from this mentorship\n"
        "- Goals: two or three goals for the next months and how we'll know they're met\n"
        "- Confidentiality: private notes stay between us; HR sees only shared summaries\n"
        "- How and how often we meet\n",
    ),
    (
        "Troubleshooting debrief",
        "- Define the symptom: what exactly was observed, where, since when\n"
        "- First point of failure: where did it first go wrong?\n"
        "- Likely causes, most probable first\n"
        "- One change at a time: what was changed, in which order\n"
        "- Validate with evidence: logs, metrics, a reproduction\n"
        "- What changed recently? What is the blast radius?\n"
        "- What is the fastest safe test next time?\n",
    ),
    (
        "Code review walk-through",
        "- The change: what problem does it solve?\n"
        "- Walk through the diff: design, naming, tests, error handling\n"
        "- One thing done well, one thing to improve\n"
        "- Review comments to practise giving or receiving\n",
    ),
    (
        "Incident retrospective",
        "- Timeline: detection, response, mitigation, resolution\n"
        "- Impact: who was affected and for how long\n"
        "- Contributing factors (blameless)\n"
        "- What helped, what slowed us down\n"
        "- Follow-up actions with owners\n",
    ),
    (
        "Career conversation",
        "- Next role: where do you want to be in one to two years?\n"
        "- Skills to build to get there\n"
        "- Who to meet: people and teams worth talking to\n"
        "- One concrete step before we next meet\n",
    ),
    (
        "Milestone review",
        "- Milestones due: done, slipping or blocked?\n"
        "- Evidence for what was achieved\n"
        "- Adjust dates or scope where needed\n"
        "- Next milestone and the first step towards it\n",
    ),
]
