"""The scopes an API token may carry: read or write per resource group.

A viewset names its group (`scope_group = "programs"`); a safe request (GET, HEAD, OPTIONS)
needs `<group>:read`, any other `<group>:write`. `write` includes `read`. A scope never grants
more than the token's owner may do on the pages: it only narrows what the token may reach.
A browser session (the site's own scripts) is not scoped: it may do what its user may.
"""

from __future__ import annotations

READ = "read"
WRITE = "write"

# group -> (label shown on the token form, whether the group has write operations)
GROUPS: dict[str, tuple[str, bool]] = {
    "people": ("People directory", False),
    "programs": ("Programs", True),
    "enrolments": ("Enrolments", True),
    "mentorships": ("Mentorships", True),
    "goals": ("Goals and milestones", True),
    "checkins": ("Check-ins and action items", True),
    "outcomes": ("Outcome events", True),
    "matching": ("Matching runs and proposals", True),
    "metrics": ("Metrics (aggregates)", False),
}


def all_scopes() -> list[str]:
    out: list[str] = []
    for group, (_label, writable) in GROUPS.items():
        out.append(f"{group}:{READ}")
        if writable:
            out.append(f"{group}:{WRITE}")
    return out


SCOPES: tuple[str, ...] = tuple(all_scopes())


def choices() -> list[tuple[str, str]]:
    return [(scope, f"{GROUPS[scope.split(':')[0]][0]}: {scope.split(':')[1]}") for scope in SCOPES]


def grants(scopes: list[str] | tuple[str, ...], group: str, *, write: bool) -> bool:
    """Whether a token with `scopes` may read (or write) `group`."""
    if f"{group}:{WRITE}" in scopes:
        return True
    return not write and f"{group}:{READ}" in scopes


def normalise(raw: list[str] | tuple[str, ...]) -> list[str]:
    """Known scopes, deduplicated in the canonical order; ValueError naming unknown ones."""
    wanted = {s.strip() for s in raw if s.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise ValueError(
            f"Unknown scope(s): {', '.join(unknown)}. Known scopes: {', '.join(SCOPES)}."
        )
    return [s for s in SCOPES if s in wanted]
