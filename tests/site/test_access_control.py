"""Every URL of the project, requested as every role, against one table of expected outcomes.

The URL names come from the resolver at collection time, so a page added to any app is tried
automatically; a page without an entry in `TABLE` fails `test_it_has_an_entry_for_every_url`
(and each of its (URL, role) cases), naming what is missing.

For each (URL name, role):
- a role in `ok` must get a 2xx on GET (for POST-only endpoints: a POST with no data must
  succeed with a 2xx/3xx that is not a sign-in redirect);
- a role in `redirect` is sent elsewhere (3xx, not to the sign-in page): not a refusal, no data;
- anonymous is sent to the sign-in page (404 for token URLs);
- every other signed-in role gets exactly the status of the refusal policy (docs/security.md,
  "Refusals"), both on GET and on a POST with no data, and no row of the database changes:
  403 for a page of a role they don't hold (the default), 404 where even the object's existence
  is private (`refusal=404`; with `holders`, only the roles holding the page's role get 404 and
  the others 403). A GET on a POST-only endpoint may also get 405, a POST on a GET-only one 405.
Every response is also searched for private texts the role must never see (`MARKERS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.site.access_world import (
    ANONYMOUS,
    HR,
    LINE_MANAGER,
    MARKERS,
    MENTEE,
    MENTOR,
    OTHER_HR,
    OUTSIDE_MANAGER,
    PRIVACY_OFFICER,
    ROLES,
    SIGNED_IN,
    World,
    table_hashes,
)

LOGIN_PATH = "/accounts/login/"

# Public by design: signing in and recovering a password can't require being signed in.
PUBLIC = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation_confirm",
        # Company sign-in (sso): start, the provider's return, the page after sign-out.
        "sso:oidc_login",
        "sso:oidc_callback",
        "sso:signed_out",
        # SAML sign-in (404 while SAML is not configured): start, the IdP's POST, SP metadata.
        "sso:saml_login",
        "sso:saml_acs",
        "sso:saml_metadata",
    }
)
# Tested separately in test_admin.py.
SKIPPED_NAMESPACES = frozenset({"admin"})

Kwargs = Callable[[World], dict]
HR_ANY = frozenset({OTHER_HR, HR})
MANAGERS = frozenset({LINE_MANAGER, OUTSIDE_MANAGER})
PAIR = frozenset({MENTEE, MENTOR})


@dataclass(frozen=True)
class Rule:
    kwargs: Kwargs
    ok: frozenset[str]
    post_only: bool = False
    redirect: frozenset[str] = frozenset()
    anonymous_status: int | None = None  # None: a redirect to the sign-in page
    # The refusal policy (docs/security.md): 403 by default, a page for a role they don't hold;
    # 404 where the object's existence is private. `holders`: the roles holding the page's role,
    # who get `refusal` when the object isn't theirs (the others get 403); None: every role.
    refusal: int = 403
    holders: frozenset[str] | None = None
    get_only: bool = False  # a POST gets 405 from everybody
    # The statuses an allowed role may get (the API: an empty POST is a 400 once permitted).
    allowed_statuses: frozenset[int] = frozenset()

    def refusal_for(self, role: str) -> int:
        return self.refusal if self.holders is None or role in self.holders else 403


def page(
    kwargs: Kwargs | None,
    *roles: str | frozenset[str],
    redirect: frozenset[str] = frozenset(),
    **extra,
) -> Rule:
    return Rule(kwargs or (lambda w: {}), _roles(roles), redirect=redirect, **extra)


def post(kwargs: Kwargs | None, *roles: str | frozenset[str], **extra) -> Rule:
    return Rule(kwargs or (lambda w: {}), _roles(roles), post_only=True, **extra)


def _roles(roles) -> frozenset[str]:
    out: set[str] = set()
    for r in roles:
        out |= {r} if isinstance(r, str) else set(r)
    return frozenset(out)


def token(kwargs: Kwargs | None) -> Rule:
    """A URL whose credential is a bearer token (SCIM): no session role gets in, and
    anonymous and signed-in alike get 401 (with a SCIM error body)."""
    return Rule(kwargs or (lambda w: {}), frozenset(), anonymous_status=401, refusal=401)


def api(kwargs: Kwargs | None, *roles: str | frozenset[str], **extra) -> Rule:
    """A REST API route (api app): anonymous gets 401 (a JSON error, not a redirect). A POST
    route's allowed roles send an empty body and get 400 (permitted, then validated)."""
    if extra.get("post_only"):
        extra.setdefault("allowed_statuses", frozenset({200, 201, 204, 400}))
    return Rule(kwargs or (lambda w: {}), _roles(roles), anonymous_status=401, **extra)


def m(w: World) -> dict:
    return {"pk": w.m.pk}


def p(w: World) -> dict:
    return {"slug": w.p.slug}


def pe(w: World) -> dict:
    return {"pk": w.pending_enrolment.pk}


NONE = ()
# Refusal policy (docs/security.md, "Refusals"); the default, 403, needs no mark.
PRIVATE = {"refusal": 404}  # someone's own object: 404 for everyone else
HR_OBJECT = {"refusal": 404, "holders": HR_ANY}  # another program's object: 404 to its non-HR
MANAGER_OBJECT = {"refusal": 404, "holders": MANAGERS}  # outside the line: 404

TABLE: dict[str, Rule] = {
    "home": page(None, SIGNED_IN),
    # The site's icon, for everyone (browsers ask before signing in): a redirect to static.
    "favicon": page(None, redirect=SIGNED_IN | {ANONYMOUS}),
    "password_change": page(None, SIGNED_IN),
    "password_change_done": page(None, SIGNED_IN),
    # people
    "people:directory": page(None, HR_ANY),
    "people:team": page(None, MANAGERS),
    "people:search": page(None, SIGNED_IN),
    "people:profile": page(lambda w: {"pk": w.mentee.pk}, MENTEE, LINE_MANAGER, HR_ANY, **PRIVATE),
    "people:profile_edit": page(None, SIGNED_IN),
    "people:my_data": page(None, SIGNED_IN),
    "people:invite": page(lambda w: {"pk": w.mentee.pk}, HR_ANY),
    # Irreversible: privacy officers (and superusers, see test_privacy.py), not HR coordinators.
    "people:erase": page(lambda w: {"pk": w.mentee.pk}, PRIVACY_OFFICER),
    "people:erase_find": page(None, PRIVACY_OFFICER),
    # Superusers only (nobody in the world is one): granting who may erase.
    "people:privacy_officers": page(None, *NONE),
    "people:privacy_officer_revoke": post(lambda w: {"pk": w.privacy_officer.pk}, *NONE),
    # two-factor sign-in: each person's own; nobody in the world has an authenticator app, so
    # the pages about one send everyone to the overview (or home, for the code page).
    "twofactor:overview": page(None, SIGNED_IN),
    "twofactor:setup": page(None, SIGNED_IN),
    "twofactor:verify": page(None, redirect=SIGNED_IN),
    "twofactor:recovery_codes": page(None, redirect=SIGNED_IN),
    "twofactor:recovery_download": page(None, redirect=SIGNED_IN),
    "twofactor:recovery_regenerate": page(None, redirect=SIGNED_IN),
    "twofactor:disable": page(None, redirect=SIGNED_IN),
    # programs
    "programs:list": page(None, HR_ANY),
    "programs:open": page(None, SIGNED_IN),
    "programs:create": page(None, HR_ANY),
    "programs:skills": page(None, HR_ANY),
    "programs:skill_create": page(None, HR_ANY),
    "programs:skill_edit": page(lambda w: {"pk": w.goal.skills.get().pk}, HR_ANY),
    "programs:my_enrolments": page(None, SIGNED_IN),
    "programs:approvals": page(None, MANAGERS),
    "programs:approval_decide": page(
        lambda w: {"pk": w.pending_enrolment.pk}, LINE_MANAGER, **MANAGER_OBJECT
    ),
    "programs:detail": page(p, SIGNED_IN),
    "programs:manage": page(p, HR),
    "programs:edit": page(p, HR),
    "programs:status": post(p, HR),
    "programs:teams": page(p, HR),
    "programs:teams_clear": post(p, HR),
    "programs:enrolments": page(p, HR),
    # Program O is open; the mentee is already enrolled there, so is sent to their enrolment.
    "programs:enrol": page(
        lambda w: {"slug": w.o.slug, "role": "mentor"},
        SIGNED_IN - {MENTEE},
        redirect=frozenset({MENTEE}),
    ),
    "programs:enrolment_edit": page(lambda w: {"slug": w.o.slug}, MENTEE, **PRIVATE),
    "programs:enrolment_withdraw": post(lambda w: {"slug": w.o.slug}, MENTEE, **PRIVATE),
    # mentorships: participants
    "mentorships:mine": page(None, SIGNED_IN),
    "mentorships:detail": page(m, PAIR, **PRIVATE),
    "mentorships:agreement_edit": page(m, PAIR, **PRIVATE),
    "mentorships:agreement_confirm": post(m, PAIR, **PRIVATE),
    "mentorships:reset_request": page(m, PAIR, **PRIVATE),
    "mentorships:goal_create": page(m, MENTEE, **PRIVATE),
    "mentorships:goal_edit": page(lambda w: {"pk": w.goal.pk}, PAIR, **PRIVATE),
    "mentorships:milestones_add": page(lambda w: {"pk": w.goal.pk}, PAIR, **PRIVATE),
    "mentorships:milestone_done": post(lambda w: {"pk": w.milestone.pk}, PAIR, **PRIVATE),
    "mentorships:milestone_undo": post(lambda w: {"pk": w.milestone.pk}, PAIR, **PRIVATE),
    # mentorships: HR of the program
    "mentorships:program_pairings": page(p, HR),
    "mentorships:pairing_create": page(p, HR),
    "mentorships:hr_detail": page(m, HR, **HR_OBJECT),
    "mentorships:hr_action": page(lambda w: {"pk": w.m.pk, "action": "pause"}, HR, **HR_OBJECT),
    "mentorships:reset_queue": page(None, HR_ANY),
    "mentorships:reset_resolve": page(lambda w: {"pk": w.reset.pk}, HR, **HR_OBJECT),
    # check-ins
    "checkins:timeline": page(m, PAIR, **PRIVATE),
    "checkins:create": page(m, PAIR, **PRIVATE),
    "checkins:hr_summaries": page(m, HR, **HR_OBJECT),
    "checkins:nudge": post(m, HR, **HR_OBJECT),
    "checkins:meeting": page(m, PAIR, **PRIVATE),
    "checkins:meeting_cancel": post(m, PAIR, **PRIVATE),
    "checkins:reset": page(m, HR, **HR_OBJECT),
    "checkins:pulse": post(lambda w: {"pk": w.checkin.pk}, PAIR, **PRIVATE),
    "checkins:action_toggle": post(lambda w: {"pk": w.action_item.pk}, PAIR, **PRIVATE),
    "checkins:templates": page(p, HR),
    "checkins:template_edit": page(lambda w: {"slug": w.p.slug, "pk": w.template.pk}, HR),
    "checkins:template_retire": post(lambda w: {"slug": w.p.slug, "pk": w.template.pk}, HR),
    "checkins:health_board": page(p, HR),
    "checkins:mentor_stats": page(lambda w: {"user_id": w.mentor.pk}, MENTOR, HR, **PRIVATE),
    # metrics
    "metrics:hr": page(None, HR_ANY),
    "metrics:program": page(p, HR),
    "metrics:team": page(None, MANAGERS),
    # Granted per person by HR; nobody in the world holds it.
    "metrics:leadership": page(None, *NONE),
    "metrics:leadership_access": page(None, HR_ANY),
    "metrics:leadership_revoke": post(lambda w: {"pk": w.mentee.pk}, HR_ANY),
    "metrics:outcomes": page(None, HR_ANY),
    "metrics:outcomes_import": page(None, HR_ANY),
    "metrics:outcomes_template": page(None, HR_ANY),
    # imports
    "imports:index": page(None, HR_ANY),
    "imports:people_upload": page(None, HR_ANY),
    "imports:people_template": page(None, HR_ANY),
    "imports:enrolment_template": page(None, HR_ANY),
    "imports:enrolment_upload": page(p, HR),
    "imports:batch": page(lambda w: {"pk": w.batch.pk}, HR, **HR_OBJECT),
    "imports:confirm": post(lambda w: {"pk": w.batch.pk}, HR, **HR_OBJECT),
    # reminders
    "reminders:preferences": page(None, SIGNED_IN),
    "chat:preference": page(None, SIGNED_IN),
    "reminders:calendar": page(None, SIGNED_IN),
    "reminders:calendar_rotate": post(None, SIGNED_IN),
    "reminders:calendar_revoke": post(None, SIGNED_IN),
    # The token is the credential: a wrong one is a 404 for everyone, signed in or not.
    "reminders:ics": page(
        lambda w: {"token": "not-a-real-token"},
        *NONE,
        anonymous_status=404,
        refusal=404,
        get_only=True,
    ),
    "reminders:at_risk": page(p, HR),
    # feedback
    "feedback:inbox": page(None, SIGNED_IN),
    "feedback:answer": page(lambda w: {"pk": w.invitation.pk}, MENTEE, **PRIVATE),
    "feedback:assessment": page(lambda w: {"pk": w.assessment.pk}, MENTEE, **PRIVATE),
    "feedback:results": page(p, HR),
    "feedback:surveys": page(p, HR),
    "feedback:surveys_defaults": post(p, HR),
    "feedback:assessment_rounds": page(p, HR),
    "feedback:assessment_plan": post(p, HR),
    # Ask an expert: any employee finds and books; a session is the two people's (the mentee
    # asked the mentor); only the expert answers it, only the asker cancels it.
    "experts:find": page(None, SIGNED_IN),
    "experts:settings": page(None, SIGNED_IN),
    "experts:sessions": page(None, SIGNED_IN),
    # Booking yourself sends you to your own listing.
    "experts:book": page(
        lambda w: {"user_id": w.mentor.pk}, SIGNED_IN - {MENTOR}, redirect=frozenset({MENTOR})
    ),
    "experts:session": page(lambda w: {"pk": w.flash.pk}, PAIR, **PRIVATE),
    "experts:accept": post(
        lambda w: {"pk": w.flash.pk}, MENTOR, refusal=404, holders=SIGNED_IN - {MENTEE}
    ),
    "experts:decline": post(
        lambda w: {"pk": w.flash.pk}, MENTOR, refusal=404, holders=SIGNED_IN - {MENTEE}
    ),
    "experts:cancel": post(
        lambda w: {"pk": w.flash.pk}, MENTEE, refusal=404, holders=SIGNED_IN - {MENTOR}
    ),
    "experts:complete": post(lambda w: {"pk": w.flash.pk}, PAIR, **PRIVATE),
    # careers: the role library is HR's; a pair's plan and evidence are the pair's
    "careers:roles": page(None, HR_ANY),
    "careers:role_create": page(None, HR_ANY),
    "careers:starter_load": page(None, HR_ANY),
    "careers:import": page(None, HR_ANY),
    "careers:export": page(None, HR_ANY),
    "careers:role_edit": page(lambda w: {"pk": w.work_role.pk}, HR_ANY),
    "careers:role_delete": page(lambda w: {"pk": w.work_role.pk}, HR_ANY),
    "careers:path_add": post(lambda w: {"pk": w.work_role.pk}, HR_ANY),
    "careers:path_delete": post(lambda w: {"pk": w.career_path.pk}, HR_ANY),
    "careers:checklist_add": post(None, HR_ANY),
    "careers:checklist_delete": post(lambda w: {"pk": w.checklist_item.pk}, HR_ANY),
    "careers:program_settings": page(p, HR),
    "careers:plan": page(m, PAIR, **PRIVATE),
    "careers:target_set": post(m, MENTEE, **PRIVATE),
    "careers:plan_accept": post(m, MENTEE, **PRIVATE),
    "careers:evidence_add": post(m, MENTEE, **PRIVATE),
    "careers:evidence_confirm": post(lambda w: {"pk": w.evidence.pk}, MENTOR, **PRIVATE),
    # learning: HR curates the library and the catalogue; a pair's suggestions, completions
    # and certification goals are theirs (the exam also their program's HR's).
    "learning:resources": page(None, HR_ANY),
    "learning:resource_create": page(None, HR_ANY),
    "learning:resource_edit": page(lambda w: {"pk": w.resource.pk}, HR_ANY),
    "learning:resource_delete": page(lambda w: {"pk": w.resource.pk}, HR_ANY),
    "learning:resources_import": page(None, HR_ANY),
    "learning:resources_template": page(None, HR_ANY),
    "learning:certifications": page(None, HR_ANY),
    "learning:certification_create": page(None, HR_ANY),
    "learning:certification_edit": page(lambda w: {"pk": w.certification.pk}, HR_ANY),
    "learning:certification_delete": page(lambda w: {"pk": w.certification.pk}, HR_ANY),
    "learning:certification_goal_create": page(m, MENTEE, **PRIVATE),
    "learning:resource_done": post(
        lambda w: {"pk": w.m.pk, "resource_pk": w.resource.pk}, PAIR, **PRIVATE
    ),
    "learning:resource_undo": post(
        lambda w: {"pk": w.m.pk, "resource_pk": w.resource.pk}, PAIR, **PRIVATE
    ),
    "metrics:certification_exam": page(lambda w: {"pk": w.cert_goal.pk}, PAIR, HR, **PRIVATE),
    "metrics:exam_results": page(None, HR_ANY),
    # audit
    "audit:program_log": page(p, HR),
    # matching (coordinators of the program only)
    "matching:start": post(p, HR),
    "matching:runs": page(p, HR),
    "matching:weights": page(p, HR),
    "matching:rules": page(p, HR),
    "matching:rule_delete": post(lambda w: {"pk": w.pair_rule.pk}, HR, **HR_OBJECT),
    "matching:run": page(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:run_status": page(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:run_csv": page(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:accept": post(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:run_accepting": page(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:publish": post(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:run_emails": page(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:emails_retry": post(lambda w: {"pk": w.run.pk}, HR, **HR_OBJECT),
    "matching:swap": page(lambda w: {"pk": w.proposal.pk}, HR, **HR_OBJECT),
    # webhooks: HR coordinators (their programs' endpoints) and staff (the global ones too)
    "webhooks:index": page(None, HR_ANY),
    "webhooks:create": page(None, HR_ANY),
    "webhooks:detail": page(lambda w: {"pk": w.webhook.pk}, HR, **HR_OBJECT),
    "webhooks:edit": page(lambda w: {"pk": w.webhook.pk}, HR, **HR_OBJECT),
    "webhooks:delete": page(lambda w: {"pk": w.webhook.pk}, HR, **HR_OBJECT),
    "webhooks:test": post(lambda w: {"pk": w.webhook.pk}, HR, **HR_OBJECT),
    # self-match: a program's mentee pages are for its approved mentees (403 for the rest: the
    # program is no secret); a request is its mentee's, a choice its mentor's (404 for others).
    "selfmatch:browse": page(p, MENTEE),
    # Self-match isn't open in P (HR runs matching there): the mentee is sent back to browse.
    "selfmatch:ask": page(p, redirect=frozenset({MENTEE})),
    "selfmatch:withdraw": post(lambda w: {"pk": w.match_request.pk}, MENTEE, **PRIVATE),
    "selfmatch:inbox": page(None, SIGNED_IN),
    "selfmatch:answer": page(lambda w: {"pk": w.match_choice.pk}, MENTOR, **PRIVATE),
    "selfmatch:settings": page(p, HR),
    "selfmatch:requests": page(p, HR),
    "selfmatch:close": post(p, HR),
    "selfmatch:hr_request": page(lambda w: {"pk": w.match_request.pk}, HR, **HR_OBJECT),
    # directory provisioning (SCIM): the bearer token is the only way in
    "scim:root": token(None),
    "scim:service_provider_config": token(None),
    "scim:resource_types": token(None),
    "scim:resource_type": token(lambda w: {"name": "User"}),
    "scim:schemas": token(None),
    "scim:schema": token(lambda w: {"uri": "urn:ietf:params:scim:schemas:core:2.0:User"}),
    "scim:users": token(None),
    "scim:users_search": token(None),
    "scim:user": token(lambda w: {"pk": str(w.mentee.pk)}),
    "scim:groups": token(None),
    "scim:groups_search": token(None),
    "scim:group": token(lambda w: {"pk": "1"}),
    "scim:search": token(None),
    "scim:not_found": token(lambda w: {"rest": "Nothing"}),
    # REST API (api app, docs/api.md): the same refusals as the pages, 401 when anonymous.
    "api:schema": api(None, SIGNED_IN),
    "api:docs": page(None, SIGNED_IN),
    "api_tokens:list": page(None, SIGNED_IN),
    "api_tokens:create": page(None, SIGNED_IN),
    "api_tokens:revoke": page(lambda w: {"pk": w.api_token.pk}, MENTEE, **PRIVATE),
    "api:program-list": api(None, SIGNED_IN),
    "api:program-detail": api(p, SIGNED_IN),
    "api:program-change-status": api(p, HR, post_only=True),
    "api:person-list": api(None, HR_ANY),
    "api:person-detail": api(lambda w: {"pk": w.mentee.pk}, HR_ANY),
    "api:person-me": api(None, SIGNED_IN),
    "api:enrolment-list": api(None, SIGNED_IN),
    # The mentee's pending enrolment in O: theirs, O's coordinator's, their line manager's.
    # Read-only objects: a POST is refused (405) before anything is looked up.
    "api:enrolment-detail": api(pe, MENTEE, HR, LINE_MANAGER, get_only=True, **PRIVATE),
    "api:enrolment-withdraw": api(pe, MENTEE, post_only=True, **PRIVATE),
    "api:enrolment-decide": api(pe, LINE_MANAGER, post_only=True, **MANAGER_OBJECT),
    "api:mentorship-list": api(None, SIGNED_IN),
    "api:mentorship-detail": api(m, PAIR, HR, get_only=True, **PRIVATE),
    "api:mentorship-activate": api(m, HR, post_only=True, **HR_OBJECT),
    "api:mentorship-pause": api(m, HR, post_only=True, **HR_OBJECT),
    "api:mentorship-resume": api(m, HR, post_only=True, **HR_OBJECT),
    "api:mentorship-complete": api(m, HR, post_only=True, **HR_OBJECT),
    "api:mentorship-end": api(m, HR, post_only=True, **HR_OBJECT),
    # Any other address under /api/: a JSON 404 for everyone signed in.
    "api:not_found": api(lambda w: {"rest": "v1/nothing-here/"}, *NONE, refusal=404),
    # REST API: goals, check-ins, outcomes, matching, metrics (api-resources, docs/api.md)
    "api:goal-list": api(None, SIGNED_IN),
    "api:goal-detail": api(lambda w: {"pk": w.goal.pk}, PAIR, get_only=True, **PRIVATE),
    "api:goal-add-milestones": api(lambda w: {"pk": w.goal.pk}, PAIR, post_only=True, **PRIVATE),
    "api:milestone-list": api(None, SIGNED_IN),
    "api:milestone-detail": api(lambda w: {"pk": w.milestone.pk}, PAIR, get_only=True, **PRIVATE),
    "api:milestone-done": api(lambda w: {"pk": w.milestone.pk}, PAIR, post_only=True, **PRIVATE),
    "api:milestone-undo": api(lambda w: {"pk": w.milestone.pk}, PAIR, post_only=True, **PRIVATE),
    "api:checkin-list": api(None, SIGNED_IN),
    "api:checkin-detail": api(lambda w: {"pk": w.checkin.pk}, PAIR, get_only=True, **PRIVATE),
    "api:checkin-pulse": api(lambda w: {"pk": w.checkin.pk}, PAIR, post_only=True, **PRIVATE),
    "api:action-item-list": api(None, SIGNED_IN),
    "api:action-item-detail": api(
        lambda w: {"pk": w.action_item.pk}, PAIR, get_only=True, **PRIVATE
    ),
    "api:action-item-done": api(
        lambda w: {"pk": w.action_item.pk}, PAIR, post_only=True, **PRIVATE
    ),
    "api:outcome-event-list": api(None, HR_ANY),
    "api:outcome-event-detail": api(lambda w: {"pk": w.outcome.pk}, HR_ANY, get_only=True),
    "api:matching-run-list": api(None, HR_ANY),
    "api:matching-run-detail": api(lambda w: {"pk": w.run.pk}, HR, get_only=True, **HR_OBJECT),
    "api:matching-run-accept": api(lambda w: {"pk": w.run.pk}, HR, post_only=True, **HR_OBJECT),
    "api:matching-run-reject": api(lambda w: {"pk": w.run.pk}, HR, post_only=True, **HR_OBJECT),
    "api:matching-run-publish": api(lambda w: {"pk": w.run.pk}, HR, post_only=True, **HR_OBJECT),
    "api:proposal-list": api(None, HR_ANY, get_only=True),
    "api:proposal-detail": api(lambda w: {"pk": w.proposal.pk}, HR, get_only=True, **HR_OBJECT),
    "api:metrics-programs": api(None, HR_ANY, get_only=True),
    "api:metrics-program": api(p, HR, get_only=True),
    "api:metrics-team": api(None, MANAGERS, get_only=True),
    # Granted per person by HR; nobody in the world holds it.
    "api:metrics-leadership": api(None, *NONE, get_only=True),
}


# --- the URL names of the project, from the resolver -------------------------------------


def _walk(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if (ns or "") in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, str(pattern.pattern)


def project_urls() -> tuple[set[str], list[str]]:
    """(named URL names to check, routes without a name)."""
    names, unnamed = set(), []
    for name, route in _walk(get_resolver().url_patterns):
        if name is None:
            unnamed.append(route)
        elif name not in PUBLIC:
            names.add(name)
    return names, unnamed


URL_NAMES, UNNAMED = project_urls()
CASES = [(name, role) for name in sorted(URL_NAMES) for role in ROLES]
PAIRS_TRIED = len(CASES)


# --- helpers -----------------------------------------------------------------------------


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def assert_no_leak(response, role: str, url: str) -> None:
    body = response.content.decode("utf-8", errors="replace")
    for marker, allowed in MARKERS.items():
        if role not in allowed:
            assert marker not in body, f"{url} shows {marker!r} to {role}"


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PATH)


def _client(w: World, role: str) -> Client:
    client = Client()
    user = w.user(role)
    if user is not None:
        client.force_login(user)
    return client


# --- the tests ----------------------------------------------------------------------------


def test_it_has_an_entry_for_every_url():
    missing = sorted(URL_NAMES - TABLE.keys())
    stale = sorted(TABLE.keys() - URL_NAMES)
    assert not missing, (
        "These URL names have no entry in TABLE in tests/site/test_access_control.py; add one "
        f"saying which roles may open them: {', '.join(missing)}"
    )
    assert not stale, f"TABLE has entries for URL names that no longer exist: {', '.join(stale)}"


def test_it_finds_no_unnamed_routes_outside_the_admin():
    assert not UNNAMED, f"Give these routes a name so the access test can reach them: {UNNAMED}"


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}@{r}" for n, r in CASES])
def test_it_gives_each_role_the_expected_outcome(world, name, role):
    if name not in TABLE:
        pytest.fail(f"{name} has no entry in TABLE: say which roles may open it.")
    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    client = _client(world, role)
    if role in rule.ok:
        _check_allowed(client, rule, url, role)
    elif role in rule.redirect:
        response = client.get(url)
        assert response.status_code in (301, 302, 303), (url, role, response.status_code)
        assert not is_login_redirect(response)
        assert_no_leak(response, role, url)
    else:
        _check_refused(client, rule, url, role)


def _check_allowed(client: Client, rule: Rule, url: str, role: str) -> None:
    response = client.post(url) if rule.post_only else client.get(url)
    if rule.allowed_statuses:
        assert response.status_code in rule.allowed_statuses, (url, role, response.status_code)
    elif rule.post_only:
        assert 200 <= response.status_code < 400, (url, role, response.status_code)
        assert not is_login_redirect(response), (url, role)
    else:
        assert 200 <= response.status_code < 300, (
            f"{role} should be able to open {url}, got {response.status_code}"
        )
    assert_no_leak(response, role, url)
    # Every signed-in page may hold private data: never stored by a browser or proxy.
    if role != ANONYMOUS:
        assert "no-store" in response.get("Cache-Control", ""), (url, role)
    assert response.get("X-Frame-Options") == "DENY", url


def _check_refused(client: Client, rule: Rule, url: str, role: str) -> None:
    before = table_hashes()
    get = client.get(url)
    posted = client.post(url)
    for method, response in (("GET", get), ("POST", posted)):
        assert not 200 <= response.status_code < 300, (
            f"{role} must not get a {response.status_code} on {method} {url}"
        )
        assert_no_leak(response, role, url)
        if role == ANONYMOUS:
            _check_anonymous(rule, method, url, response)
        else:
            expected = {rule.refusal_for(role)}
            if method == "GET" and rule.post_only:
                expected.add(405)
            if method == "POST" and rule.get_only:
                expected = {405}
            assert response.status_code in expected, (
                f"{role}: {method} {url} gave {response.status_code}, expected "
                f"{' or '.join(map(str, sorted(expected)))} (refusal policy, docs/security.md)"
            )
    after = table_hashes()
    assert not changed_tables(before, after), (
        f"{role}'s refused requests to {url} changed {changed_tables(before, after)}"
    )


def _check_anonymous(rule: Rule, method: str, url: str, response) -> None:
    if rule.anonymous_status is None:
        assert is_login_redirect(response), (
            f"anonymous {method} {url} gave {response.status_code}, expected a redirect to "
            f"{LOGIN_PATH}"
        )
    else:
        assert response.status_code in {rule.anonymous_status, 405}, (method, url, response)


def test_it_notices_any_changed_row_when_checking_that_a_refusal_changed_nothing(world):
    before = table_hashes()
    world.goal.__class__.objects.filter(pk=world.goal.pk).update(description="edited")
    assert changed_tables(before, table_hashes()) == ["mentorships.Goal"]


def test_it_lets_only_the_program_hr_send_a_recognition_from_the_mentor_stats_page(world):
    from checkins.models import Recognition

    url = reverse("checkins:mentor_stats", kwargs={"user_id": world.mentor.pk})
    count = Recognition.objects.count()
    # The mentor may read their own statistics, but not recognise themselves.
    assert _client(world, MENTOR).post(url, {"message": "Me, me, me"}).status_code == 403
    assert Recognition.objects.count() == count
    assert _client(world, HR).post(url, {"message": "Thank you"}).status_code == 302
    assert Recognition.objects.count() == count + 1


def test_it_serves_the_calendar_feed_only_for_a_live_token(world):
    token = world.calendar_token.token
    url = reverse("reminders:ics", kwargs={"token": token})
    assert Client().get(url).status_code == 200
    _client(world, MENTEE).post(reverse("reminders:calendar_revoke"))
    assert Client().get(url).status_code == 404


def test_it_tried_every_url_with_every_role(capsys):
    assert PAIRS_TRIED == len(URL_NAMES) * len(ROLES)
    with capsys.disabled():
        print(
            f"\naccess control: {PAIRS_TRIED} (URL, role) pairs = {len(URL_NAMES)} URL names "
            f"x {len(ROLES)} roles ({', '.join(ROLES)}); public auth views skipped: "
            f"{', '.join(sorted(PUBLIC))}"
        )


@pytest.mark.parametrize(
    "name",
    [
        "matching:run",
        "matching:swap",
        "mentorships:hr_detail",
        "checkins:hr_summaries",
        "imports:batch",
    ],
)
def test_it_refuses_a_missing_id_exactly_like_another_programs_object(world, name):
    # Role first: without the HR role it is 403 whether the id exists or not; with it, another
    # program's object and no object at all are both 404, so ids reveal nothing.
    url = reverse(name, kwargs={"pk": 10**9})
    assert _client(world, MENTEE).get(url).status_code == 403
    assert _client(world, OTHER_HR).get(url).status_code == 404
