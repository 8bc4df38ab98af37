"""Audit events in words: "Ana Silva published run 3 (12 pairs)".

Pages show these sentences, never the action code ("matching.run_published") or raw payload
keys. The sentence is built from what the event stored (who, the object's label, the payload),
so it stays right after the object is gone. An action without a sentence here still reads as
words: its code with the underscores and dots turned into spaces.
"""

from __future__ import annotations

from string import Formatter
from typing import Any

from .models import AuditEvent

# The actor's name is put in front of each; {object} is the object's label, {id} its id, any
# other name a payload key. With a tuple, the first whose names the event has is used. Keep them
# short: the audit log lists hundreds.
SENTENCES: dict[str, str | tuple[str, ...]] = {
    "program.created": "created the program",
    "program.updated": ("changed the program's {fields}", "changed the program's settings"),
    "program.status_changed": "moved the program to “{status}”",
    "program.purged": "erased the ended program {program}",
    "mentorship.created": "paired {object}",
    "mentorship.activated": "started the mentorship {object}",
    "mentorship.paused": "paused the mentorship {object}",
    "mentorship.resumed": "resumed the mentorship {object}",
    "mentorship.completed": "marked the mentorship {object} completed",
    "mentorship.ended": "ended the mentorship {object} early",
    "mentorship.reassigned": "reassigned the mentorship {object}",
    "matching.run_started": "started matching run {id}",
    "matching.run_published": ("published run {id} ({pairs} pairs)", "published run {id}"),
    "matching.proposals_accepted": "accepted {accepted} proposals of run {id}",
    "matching.accept_all_started": "accepted all {proposals} proposals of run {id}",
    "matching.proposals_rejected": "rejected {rejected} proposals of run {id}",
    "matching.proposal_swapped": "swapped the mentor of a proposal ({object})",
    "matching.emails_retried": "sent {emails} publish emails of run {id} again",
    "matching.weights_updated": "changed the matching weights and rules",
    "matching.rule_pin": "added a pair rule: {object}",
    "matching.rule_forbid": "added a pair rule: {object}",
    "matching.rule_removed": "removed the pair rule {object}",
    "checkin.logged": "logged a check-in for {object}",
    "import.people.applied": "imported people from a file",
    "import.enrolments.applied": "imported enrolments from a file",
    "import.outcomes.applied": "imported outcome events from a file",
    "dashboard.exported": "downloaded dashboard figures",
    "selfmatch.settings_updated": "changed how mentees choose their mentor",
    "selfmatch.request_cancelled": "cancelled a mentor request ({object})",
    "selfmatch.request_reassigned": "passed a mentor request to another mentor ({object})",
    "selfmatch.request_paired": "paired a mentor request ({object})",
    "selfmatch.closed": "closed mentees' own mentor choice ({requests_closed} requests closed)",
    "person.invited": "invited {object}",
    "person.erased": "erased a person's personal data",
    "role.privacy_officer_granted": "made {object} a privacy officer",
    "role.privacy_officer_revoked": "removed {object} as a privacy officer",
    "role.leadership_granted": "gave {object} access to the leadership dashboard",
    "role.leadership_revoked": "removed {object}'s access to the leadership dashboard",
    "twofactor.enabled": "turned on two-step sign-in",
    "twofactor.disabled": "turned off two-step sign-in",
    "twofactor.reset": "reset two-step sign-in for {object}",
    "twofactor.recovery_code_used": "signed in with a recovery code",
    "twofactor.recovery_codes_regenerated": "made new recovery codes",
    "sso.signed_in": "signed in with single sign-on",
    "sso.linked": "linked a single sign-on account",
    "api_token.create": "created an API token",
    "api_token.revoke": "revoked an API token",
    "webhooks.endpoint_created": "added a webhook endpoint",
    "webhooks.endpoint_updated": "changed a webhook endpoint",
    "webhooks.endpoint_deleted": "removed a webhook endpoint",
    "scim.token_created": "created a provisioning (SCIM) token",
    "scim.token_revoked": "revoked a provisioning (SCIM) token",
    "scim.user_created": "created {object} from the identity provider",
    "scim.user_deactivated": "deactivated {object} from the identity provider",
    "scim.user_reactivated": "reactivated {object} from the identity provider",
    "scim.user_removed": "removed {object} from the identity provider",
    "scim.group_created": "created the group {object} from the identity provider",
    "scim.group_updated": "changed the group {object} from the identity provider",
    "scim.group_removed": "removed the group {object} from the identity provider",
}


def words(code: object) -> str:
    """A code or field name as words: "cadence_days" -> "cadence days"."""
    return str(code).replace("_", " ").replace(".", " ").strip()


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(words(v) for v in value) or "settings"
    return words(value)


def actor_name(event: AuditEvent) -> str:
    actor = event.actor
    if actor is not None:
        return actor.full_name or actor.email
    return event.actor_label if event.actor_label not in ("", "system") else "The system"


def describe(event: AuditEvent) -> str:
    """One sentence for the event: who did what, to which object, with its key figures."""
    values = {k: _value(v) for k, v in (event.payload or {}).items()}
    values.update(object=event.object_label or "", id=event.object_id or "")
    known = SENTENCES.get(event.action, ())
    fallback = words(event.action) + (" {object}" if event.object_label else "")
    for sentence in (*((known,) if isinstance(known, str) else known), fallback):
        if {name for _, name, _, _ in Formatter().parse(sentence) if name} <= values.keys():
            break
    return f"{actor_name(event)} {sentence.format_map(values)}".strip()
