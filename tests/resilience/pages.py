"""Every page of the project, with arguments pointing at the access-control world's rows."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.site.access_world import World

# Signing out would end the session the rest of the walk needs.
SKIPPED_NAMES = frozenset({"logout"})


def _walk(patterns, namespace: str | None = None) -> Iterator[tuple[str, list[str]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, list(pattern.pattern.regex.groupindex)


def _kwargs(name: str, params: list[str], w: World) -> dict:
    """Arguments that point at the world's own rows, so most pages render for real."""
    by_name = {
        "people:profile": {"pk": w.mentee.pk},
        "people:erase": {"pk": w.mentee.pk},
        "people:privacy_officer_revoke": {"pk": w.privacy_officer.pk},
        "programs:skill_edit": {"pk": w.goal.skills.get().pk},
        "programs:approval_decide": {"pk": w.pending_enrolment.pk},
        "programs:enrol": {"slug": w.o.slug, "role": "mentor"},
        "programs:enrolment_edit": {"slug": w.o.slug},
        "programs:enrolment_withdraw": {"slug": w.o.slug},
        "mentorships:goal_edit": {"pk": w.goal.pk},
        "mentorships:milestones_add": {"pk": w.goal.pk},
        "mentorships:milestone_done": {"pk": w.milestone.pk},
        "mentorships:milestone_undo": {"pk": w.milestone.pk},
        "mentorships:reset_resolve": {"pk": w.reset.pk},
        "checkins:pulse": {"pk": w.checkin.pk},
        "checkins:action_toggle": {"pk": w.action_item.pk},
        "checkins:template_edit": {"slug": w.p.slug, "pk": w.template.pk},
        "checkins:template_retire": {"slug": w.p.slug, "pk": w.template.pk},
        "imports:batch": {"pk": w.batch.pk},
        "imports:confirm": {"pk": w.batch.pk},
        "feedback:answer": {"pk": w.invitation.pk},
        "feedback:assessment": {"pk": w.assessment.pk},
        "matching:run": {"pk": w.run.pk},
        "matching:run_status": {"pk": w.run.pk},
        "matching:accept": {"pk": w.run.pk},
        "matching:publish": {"pk": w.run.pk},
        "matching:swap": {"pk": w.proposal.pk},
        "reminders:ics": {"token": w.calendar_token.token},
    }
    if name in by_name:
        return by_name[name]
    generic = {"slug": w.p.slug, "pk": w.m.pk, "user_id": w.mentor.pk, "role": "mentor",
               "action": "pause", "token": "not-a-token", "uidb64": "x"}
    return {param: generic.get(param, "x") for param in params}


def page_paths(w: World) -> list[str]:
    """One path per named URL outside the admin, so a new page is covered automatically."""
    paths = []
    for name, params in sorted(set((n, tuple(p)) for n, p in _walk(get_resolver().url_patterns))):
        if name in SKIPPED_NAMES:
            continue
        paths.append(reverse(name, kwargs=_kwargs(name, list(params), w)))
    return paths


