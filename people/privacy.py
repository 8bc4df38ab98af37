"""What counts as a person's data, for the JSON export and for erasure.

Every model with a link to a user must appear in EXPORT, ERASE or NOT_PERSONAL:
a test walks the model registry, so a new model can't silently escape either.
"""

from typing import Any

# (model label, lookup from that model to the user, fields to export)
EXPORT: list[tuple[str, str, list[str]]] = [
    (
        "programs.Enrolment",
        "user",
        [
            "program__name",
            "role",
            "status",
            "capacity",
            "career_track",
            "career_goal",
            "communication_style",
            "meeting_mode",
            "years_experience",
            "seniority",
            "hours_per_month",
            "prefer_other_department",
            "created_at",
        ],
    ),
    (
        "programs.EnrolmentSkill",
        "enrolment__user",
        ["enrolment__program__name", "skill__name", "level", "target_level"],
    ),
    (
        "mentorships.Mentorship",
        "mentor",
        ["program__name", "mentee__full_name", "status", "started_on", "ended_on", "end_reason"],
    ),
    (
        "mentorships.Mentorship",
        "mentee",
        ["program__name", "mentor__full_name", "status", "started_on", "ended_on", "end_reason"],
    ),
    (
        "mentorships.Goal",
        "mentorship__mentee",
        ["title", "description", "success_measure", "target_date", "status"],
    ),
    (
        "mentorships.Milestone",
        "goal__mentorship__mentee",
        ["goal__title", "title", "due_date", "done_at", "evidence"],
    ),
    (
        "mentorships.ResetRequest",
        "raised_by",
        ["mentorship__program__name", "reason", "created_at"],
    ),
    # Only check-ins they wrote carry their private notes; the other side's notes stay out.
    (
        "checkins.CheckIn",
        "author",
        [
            "mentorship__program__name",
            "date",
            "duration_minutes",
            "activity",
            "next_steps",
            "private_notes",
            "shared_summary",
        ],
    ),
    ("checkins.ActionItem", "owner", ["text", "due_date", "done_at"]),
    ("checkins.Pulse", "user", ["checkin__date", "score"]),
    (
        "feedback.SurveyInvitation",
        "user",
        ["survey__program__name", "survey__kind", "role", "answered_at"],
    ),
    (
        "feedback.SurveyAnswer",
        "invitation__user",
        ["invitation__survey__program__name", "question__text", "rating", "text"],
    ),
    (
        "feedback.SkillRating",
        "request__mentee",
        [
            "request__round__program__name",
            "request__round__kind",
            "request__rater_role",
            "skill__name",
            "level",
        ],
    ),
    (
        "feedback.SkillRating",
        "request__rater",
        ["request__round__program__name", "request__mentee__full_name", "skill__name", "level"],
    ),
    (
        "metrics.OutcomeEvent",
        "employee",
        [
            "kind",
            "occurred_on",
            "certification_name",
            "certification_issuer",
            "from_role",
            "to_role",
            "from_department",
            "to_department",
            "project_name",
            "rating",
            "note",
        ],
    ),
    ("reminders.NotificationPreference", "user", ["email_enabled", "weekly_digest"]),
    # Where their notices go (chat app): email, Slack or both.
    ("chat.ChatPreference", "user", ["delivery", "updated_at"]),
    # Ask an expert: their listing, and one-off sessions they asked for or gave.
    (
        "experts.ExpertProfile",
        "user",
        ["listed", "monthly_sessions", "share_program_skills", "skills__name"],
    ),
    (
        "experts.FlashSession",
        "requester",
        ["expert__full_name", "skill__name", "note", "status", "scheduled_at", "created_at"],
    ),
    (
        "experts.FlashSession",
        "expert",
        ["requester__full_name", "skill__name", "note", "status", "scheduled_at", "created_at"],
    ),
    # Careers: the role they work towards and the evidence they logged.
    (
        "careers.TargetRole",
        "enrolment__user",
        ["enrolment__program__name", "role__title", "set_at"],
    ),
    (
        "careers.Evidence",
        "submitted_by",
        ["item__text", "milestone__title", "link", "note", "submitted_at", "confirmed_at"],
    ),
    # Learning (docs/learning.md): resources they marked done, exams they sat.
    (
        "learning.ResourceCompletion",
        "user",
        ["resource__title", "resource__skill__name", "mentorship__program__name", "done_at"],
    ),
    ("learning.ExamResult", "employee", ["certification__name", "taken_on", "passed"]),
    # What the company's directory said about them (SCIM): identifiers, names, emails.
    ("scim.ScimUser", "user", ["user_name", "external_id", "attributes", "removed_at"]),
    # Their API tokens: what they are for, never the secret (only its digest is stored).
    (
        "api.ApiToken",
        "user",
        ["name", "kind", "prefix", "scopes", "created_at", "expires_at", "last_used_at"],
    ),
]

# (model label, lookup to the user, {field: value written on erasure})
ERASE: list[tuple[str, str, dict[str, Any]]] = [
    ("programs.Enrolment", "user", {"career_goal": "", "decision_reason": ""}),
    (
        "mentorships.Goal",
        "mentorship__mentee",
        {"title": "Erased goal", "description": "", "success_measure": ""},
    ),
    (
        "mentorships.Milestone",
        "goal__mentorship__mentee",
        {"title": "Erased milestone", "evidence": ""},
    ),
    ("mentorships.Mentorship", "mentor", {"end_note": ""}),
    ("mentorships.Mentorship", "mentee", {"end_note": ""}),
    ("mentorships.ResetRequest", "raised_by", {"reason": "", "resolution": ""}),
    ("mentorships.MentorshipEvent", "by", {"reason": ""}),
    ("checkins.CheckIn", "author", {"private_notes": "", "shared_summary": "", "next_steps": ""}),
    ("checkins.ActionItem", "owner", {"text": "Erased action"}),
    ("checkins.Recognition", "mentor", {"message": ""}),
    ("feedback.SurveyAnswer", "invitation__user", {"text": ""}),
    ("metrics.OutcomeEvent", "employee", {"note": ""}),
    # The note is the asker's words to the expert: erasing either of them clears it.
    ("experts.FlashSession", "requester", {"note": ""}),
    ("experts.FlashSession", "expert", {"note": ""}),
    # A self-match request's note is the mentee's words to the mentors they asked.
    ("selfmatch.MatchRequest", "mentee", {"note": ""}),
    # Evidence is the mentee's words and links: erased with them.
    ("careers.Evidence", "submitted_by", {"note": "", "link": ""}),
]

# Rows deleted outright: they hold nothing aggregate metrics need.
DELETE: list[tuple[str, str]] = [
    ("reminders.CalendarToken", "user"),
    ("reminders.NotificationPreference", "user"),
    # Links to the company identity provider: an erased person can't sign in again.
    ("sso.ExternalIdentity", "user"),
    # The directory's copy of their names and emails: erased with them. A directory that
    # provisions them again creates a new person.
    ("scim.ScimUser", "user"),
    # Their listing in Ask an expert: erased people are no longer anyone's expert.
    ("experts.ExpertProfile", "user"),
    # Two-factor sign-in: the authenticator secret and the recovery codes.
    ("otp_totp.TOTPDevice", "user"),
    ("otp_static.StaticDevice", "user"),
    # API tokens act as their owner: an erased person's tokens stop working with them.
    ("api.ApiToken", "user"),
    # Their chat preference, and the Slack messages queued or sent to them.
    ("chat.ChatPreference", "user"),
    ("chat.ChatMessage", "recipient"),
]

# Links to a user that hold no personal content of their own, or that are scrubbed by
# dedicated code in services.person_erase (audit log, import files, emails, matching).
NOT_PERSONAL: set[tuple[str, str]] = {
    ("people.User", "manager"),
    ("programs.Program", "coordinators"),
    ("programs.Enrolment", "decided_by"),
    ("programs.Enrolment", "avoid"),
    ("mentorships.Mentorship", "created_by"),
    ("mentorships.ResetRequest", "resolved_by"),
    ("matching.MatchingRun", "started_by"),
    ("matching.PairRule", "mentee"),
    ("matching.PairRule", "mentor"),
    ("matching.PairRule", "created_by"),
    ("matching.ProgramWeights", "updated_by"),
    ("matching.Proposal", "mentee"),
    ("matching.Proposal", "mentor"),
    ("checkins.Recognition", "sent_by"),
    ("checkins.Recognition", "sent_to"),
    ("metrics.OutcomeEvent", "recorded_by"),
    ("imports.ImportBatch", "uploaded_by"),
    ("reminders.ReminderSent", "recipient"),
    ("reminders.Digest", "user"),
    ("feedback.AssessmentRound", "created_by"),
    ("feedback.AssessmentRequest", "mentee"),
    ("feedback.AssessmentRequest", "rater"),
    ("audit.AuditEvent", "actor"),
    ("scim.ScimToken", "created_by"),
    ("api.ApiToken", "revoked_by"),
    ("checkins.Meeting", "set_by"),
    ("webhooks.Endpoint", "created_by"),
    ("chat.TeamsChannel", "set_by"),
    ("selfmatch.MatchRequest", "closed_by"),
    ("selfmatch.Choice", "mentor"),
    ("selfmatch.ProgramMatching", "updated_by"),
    ("careers.TargetRole", "set_by"),
    ("careers.Evidence", "confirmed_by"),
    ("learning.Resource", "created_by"),
    ("learning.ExamResult", "recorded_by"),
}
