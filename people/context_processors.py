import logging

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import User
from .permissions import is_hr
from .selectors import is_manager
from .signin import uses_password

logger = logging.getLogger(__name__)

# The navigation's "My team" links: whether the signed-in person manages anyone, kept in the
# shared cache (Redis in production) for this many seconds, so that a page costs no query for
# it and no session write. A new first report shows the links within that time; the pages
# themselves check afresh (the team page refuses a person with no reports).
NAV_MANAGER_SECONDS = 300


def nav_manager_key(user: User) -> str:
    """One person's key: their id and when they joined, so an id used again (a test database
    rolled back, a row deleted and re-created) never reads another person's answer."""
    joined = user.date_joined.timestamp() if user.date_joined else ""
    return f"nav-manager:{user.pk}:{joined}"


def manager_for_nav(user: User) -> bool:
    key = nav_manager_key(user)
    try:
        kept = cache.get(key)
    except Exception as exc:  # the cache is down: ask the database, as before
        logger.warning("Navigation asks the database: the cache is unreachable (%r).", exc)
        return is_manager(user)
    if kept is not None:
        return kept
    answer = is_manager(user)
    try:
        cache.set(key, answer, timeout=NAV_MANAGER_SECONDS)
    except Exception as exc:
        logger.warning("Navigation answer not kept: the cache is unreachable (%r).", exc)
    return answer


def remember_manager(request: HttpRequest, answer: bool) -> None:
    """For a page that has just asked whether the signed-in person manages anyone (the home
    page does): the navigation of the next pages reads that answer."""
    try:
        cache.set(nav_manager_key(request.user), bool(answer), timeout=NAV_MANAGER_SECONDS)
    except Exception as exc:
        logger.warning("Navigation answer not kept: the cache is unreachable (%r).", exc)


def roles(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    # Lazy, so pages that never render the navigation pay nothing for it.
    return {
        "role_is_hr": is_hr(user),
        "role_is_manager": SimpleLazyObject(lambda: manager_for_nav(user)),
        "uses_password": uses_password(request),
    }
