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
