"""A faster bulk update for PostgreSQL than QuerySet.bulk_update.

bulk_update writes `SET col = CASE WHEN id=1 THEN .. WHEN id=2 ..` which PostgreSQL
evaluates per row against every branch (quadratic in the batch size: ~100 s for 10,000
people). `UPDATE .. FROM (VALUES ..)` joins instead and takes well under a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone

BATCH_SIZE = 2000


def update_rows(
    model: type[Model], rows: Sequence[Mapping[str, object]], fields: Sequence[str],
    *, batch_size: int = BATCH_SIZE,
) -> int:
    """Write `fields` (attnames, e.g. "manager_id") of each row, matched on row["pk"]."""
    if not rows:
        return 0
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
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


def delete_where_in(model: type[Model], attname: str, ids: Sequence[int]) -> int:
    """DELETE by a list of ids in one statement, without the ORM's fetch-then-delete collector."""
    if not ids:
        return 0
    meta = model._meta
    qn = connection.ops.quote_name
    column = qn(meta.get_field(attname).column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(meta.db_table)} WHERE {column} = ANY(%s)", [list(ids)])
        return cursor.rowcount


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Take `count` primary keys from the table's sequence in one query.

    Knowing new users' ids up front lets reporting lines between new people be written in
    the INSERT itself (Django's foreign keys are checked at commit), not in a second UPDATE.
    """
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


INSERT_CHUNK = 10_000


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, object]]) -> int:
    """INSERT plain rows with one `SELECT * FROM UNNEST(arrays)` per 10,000 rows.

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
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start:start + INSERT_CHUNK]
            params = [[row.get(f.attname, defaults[f.attname]) for row in chunk] for f in fields]
            cursor.execute(sql, params)
    return len(rows)
