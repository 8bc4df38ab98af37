from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import is_hr
from .selectors import is_manager
from .signin import uses_password


def roles(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    # Lazy, so pages that never render the navigation pay no query.
    return {
        "role_is_hr": is_hr(user),
        "role_is_manager": SimpleLazyObject(lambda: is_manager(user)),
        "uses_password": uses_password(request),
    }
