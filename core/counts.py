"""Several counts read in one query: a page that shows how many rows each of a few sets holds
(a list's size for its pager, a badge, a summary line) pays one round trip, not one per count."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Value


def keyed_count(qs: QuerySet, key: str) -> QuerySet:
    """One row, (key, number of rows of `qs`): a constant key adds nothing to GROUP BY, so the
    count is of the whole set (0 when it is empty)."""
    return (
        qs.order_by()
        .annotate(counted_key=Value(key))
        .values("counted_key")
        .annotate(counted_n=Count("pk"))
        .values_list("counted_key", "counted_n")
    )


def counts_query(*grouped: QuerySet, **querysets: QuerySet) -> QuerySet:
    """The (key, n) rows of `counts`, as one queryset: a UNION ALL of the counts."""
    first, *rest = [*grouped, *(keyed_count(qs, key) for key, qs in querysets.items())]
    return first.union(*rest, all=True) if rest else first


def counts(*grouped: QuerySet, **querysets: QuerySet) -> dict[str, int]:
    """{key: number of rows} of each of `querysets`, with the (key, n) rows of `grouped` (a
    grouped count, e.g. per status), in one query: a UNION ALL of the counts. Keys must not
    clash: a grouped row missing from the result counted nothing."""
    return dict(counts_query(*grouped, **querysets))
