"""INSERT ... ON CONFLICT DO NOTHING for many rows at once.

On PostgreSQL the rows travel as one array per column through `unnest`, one statement per
50,000 rows: building a Django model instance per row costs more than the database work at
100,000 mentorships. Other databases (the SQLite development default) run one prepared
`INSERT .. VALUES .. ON CONFLICT DO NOTHING` over every row.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

CHUNK = 50_000


def insert_ignoring_conflicts(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    constants: dict[str, Any],
) -> None:
    """Inserts `rows` (values for `columns`) plus `constants`; rows hitting a unique key are skipped."""
    if not rows:
        return
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    fixed = [opts.get_field(name) for name in constants]
    qn = connection.ops.quote_name
    const_params = [f.get_db_prep_save(v, connection) for f, v in zip(fixed, constants.values(), strict=True)]
    if connection.vendor != "postgresql":
        sql = (
            f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields + fixed)}) "
            f"VALUES ({', '.join(['%s'] * (len(fields) + len(fixed)))}) ON CONFLICT DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, [
                [*(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)),
                 *const_params]
                for row in rows
            ])
        return
    aliases = [f"c{i}" for i in range(len(fields))]
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields + fixed)}) "
        f"SELECT {', '.join(aliases + ['%s'] * len(fixed))} "
        f"FROM unnest({', '.join(f'%s::{f.db_type(connection)}[]' for f in fields)}) "
        f"AS t({', '.join(aliases)}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            cursor.execute(sql, [*const_params, *(list(col) for col in zip(*chunk, strict=True))])
