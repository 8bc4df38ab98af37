from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import is_hr
from .selectors import is_manager
from .signin import uses_password

# The navigation's "My team" links: whether the signed-in person manages anyone, kept in their
# session as [their id, the answer] so that a page costs no query for it (as twofactor keeps
# whether they have an app). Read when they sign in; the home page, which asks afresh anyway,
# updates it when it changed. A session holds one person's (signing in as someone else starts
# a new one, and the id is checked). The pages themselves check afresh: the team page refuses
# a person with no reports.
NAV_MANAGER = "nav_manager"


def manager_for_nav(request: HttpRequest) -> bool:
    user = request.user
    kept = request.session.get(NAV_MANAGER) if hasattr(request, "session") else None
    if kept and kept[0] == user.pk:
        return bool(kept[1])
    answer = is_manager(user)
    remember_manager(request, answer)
    return answer


def remember_manager(request: HttpRequest, answer: bool) -> None:
    """Keep `answer` for the navigation; writes the session only when it changed."""
    if not hasattr(request, "session"):
        return
    value = [request.user.pk, bool(answer)]
    if request.session.get(NAV_MANAGER) != value:
        request.session[NAV_MANAGER] = value


def remember_manager_at_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: read once per sign-in whether the person manages anyone."""
    if request is not None and hasattr(request, "session"):
        request.session[NAV_MANAGER] = [user.pk, is_manager(user)]


def roles(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    # Lazy, so pages that never render the navigation pay nothing for it.
    return {
        "role_is_hr": is_hr(user),
        "role_is_manager": SimpleLazyObject(lambda: manager_for_nav(request)),
        "uses_password": uses_password(request),
    }
