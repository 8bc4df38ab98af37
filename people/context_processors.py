import time

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import is_hr
from .selectors import is_manager
from .signin import uses_password

# The navigation's "My team" links: whether the signed-in person manages anyone, kept in their
# session as [their id, the answer, until when (epoch seconds)] so that a page costs no query
# for it. A session holds one person's (signing in as someone else starts a new one, and the
# id is checked); a new first report shows the links within this many seconds. The pages
# themselves check afresh (the team page refuses a person with no reports).
NAV_MANAGER = "nav_manager"
NAV_MANAGER_SECONDS = 300


def manager_for_nav(request: HttpRequest) -> bool:
    user = request.user
    session = getattr(request, "session", None)
    now = time.time()
    kept = session.get(NAV_MANAGER) if session is not None else None
    if kept and kept[0] == user.pk and kept[2] > now:
        return bool(kept[1])
    answer = is_manager(user)
    if session is not None:
        session[NAV_MANAGER] = [user.pk, answer, now + NAV_MANAGER_SECONDS]
    return answer


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
