from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """`?cursor=` from the `next`/`previous` links; `?page_size=` up to 200 (default 50).

    The order is the view's `ordering` (or `?ordering=` where the view allows it); the cursor
    positions on its first field, so views end their orderings with a unique field.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, ValidationError) as exc:
            # A cursor that decodes but whose position doesn't fit the ordering field.
            raise NotFound(self.invalid_cursor_message) from exc
