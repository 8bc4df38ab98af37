"""Bulk writes for imports: a fast path for PostgreSQL, a portable one for SQLite.

bulk_update writes `SET col = CASE WHEN id=1 THEN .. WHEN id=2 ..` which PostgreSQL
evaluates per row against every branch (quadratic in the batch size: ~100 s for 10,000
people). `UPDATE .. FROM (VALUES ..)` joins instead and takes well under a second.

The SQLite development default (`make run`) has no casts, arrays or sequences: there each
function runs one prepared statement over every row (`executemany`), which SQLite does
quickly, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone

BATCH_SIZE = 2000
# Ids per `IN (..)` list on databases without arrays: SQLite allows 32,766 variables.
PORTABLE_IN_SIZE = 5000


def update_rows(
    model: type[Model], rows: Sequence[Mapping[str, object]], fields: Sequence[str],
    *, batch_size: int = BATCH_SIZE,
) -> int:
    """Write `fields` (attnames, e.g. "manager_id") of each row, matched on row["pk"]."""
    if not rows:
        return 0
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        return _update_rows_portable(model, rows, model_fields)
    qn = connection.ops.quote_name
    pk = qn(meta.pk.column)
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in [meta.pk, *model_fields])
    columns = ", ".join([pk, *(qn(f.column) for f in model_fields)])
    assignments = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in model_fields)
    table = qn(meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            params: list[object] = []
            for row in chunk:
                params.append(row["pk"])
                params.extend(f.get_db_prep_save(row[f.attname], connection) for f in model_fields)
            values = ", ".join([f"({casts})"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v({columns}) "
                f"WHERE {table}.{pk} = v.{pk}",
                params,
            )
            written += cursor.rowcount
    return written


def _update_rows_portable(model: type[Model], rows: Sequence[Mapping[str, object]],
                          model_fields: list) -> int:
    meta = model._meta
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"
    params = [
        [*(f.get_db_prep_save(row[f.attname], connection) for f in model_fields), row["pk"]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


def delete_where_in(model: type[Model], attname: str, ids: Sequence[int]) -> int:
    """DELETE by a list of ids in one statement, without the ORM's fetch-then-delete collector."""
    if not ids:
        return 0
    meta = model._meta
    qn = connection.ops.quote_name
    column = qn(meta.get_field(attname).column)
    table = qn(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [list(ids)])
            return cursor.rowcount
        deleted = 0
        ids = list(ids)
        for start in range(0, len(ids), PORTABLE_IN_SIZE):  # under SQLite's variable limit
            chunk = ids[start:start + PORTABLE_IN_SIZE]
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk
            )
            deleted += cursor.rowcount
        return deleted


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Take `count` primary keys from the table's sequence in one query.

    Knowing new users' ids up front lets reporting lines between new people be written in
    the INSERT itself (Django's foreign keys are checked at commit), not in a second UPDATE.
    """
    if count <= 0:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        return _reserve_ids_portable(model, count)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _reserve_ids_portable(model: type[Model], count: int) -> list[int]:
    """The next `count` ids after the highest one used (SQLite's AUTOINCREMENT counter
    included, so a deleted row's id is never reused). Sound because the caller's transaction
    has already written: SQLite lets one writer at a time in, so no one else takes these
    ids before the INSERT, which moves the counter past them."""
    meta = model._meta
    qn = connection.ops.quote_name
    highest = f"SELECT MAX({qn(meta.pk.column)}) FROM {qn(meta.db_table)}"
    params: list[object] = []
    if connection.vendor == "sqlite":
        highest = f"SELECT MAX(COALESCE(({highest}), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))"
        params = [meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(highest, params)
        first = (cursor.fetchone()[0] or 0) + 1
    return list(range(first, first + count))


INSERT_CHUNK = 10_000


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, object]]) -> int:
    """INSERT plain rows with one `SELECT * FROM UNNEST(arrays)` per 10,000 rows (on SQLite,
    one prepared INSERT run over every row).

    Much cheaper than bulk_create, which builds a model instance and prepares every value of
    every row in Python. Rows map attnames (e.g. "user_id") to database-ready values: ints,
    strings, bools, dates, None. Fields a row leaves out get the model default; auto_now and
    auto_now_add fields get the current time. The primary key must be given (see reserve_ids)
    or left to the database for every row.
    """
    if not rows:
        return 0
    meta = model._meta
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    if connection.vendor != "postgresql":
        sql = (f"INSERT INTO {qn(meta.db_table)} ({columns}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        with connection.cursor() as cursor:
            cursor.executemany(sql, [
                [f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection)
                 for f in fields]
                for row in rows
            ])
        return len(rows)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start:start + INSERT_CHUNK]
            params = [[row.get(f.attname, defaults[f.attname]) for row in chunk] for f in fields]
            cursor.execute(sql, params)
    return len(rows)
