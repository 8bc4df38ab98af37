"""Bulk SQL for many rows at once: a fast path for PostgreSQL, a portable one for SQLite.

Used where the ORM's per-row work costs more than the database's: CSV imports of 10,000 people
and the reminder sweep's plan at 100,000 mentorships.

- `insert_rows`: on PostgreSQL the rows travel as one array per column through `unnest`
  (`INSERT .. SELECT .. FROM unnest(..)`), one statement per chunk; building a model instance
  and preparing every value in Python (bulk_create) costs more than the database work.
  Optionally `ON CONFLICT DO NOTHING`.
- `update_rows`: bulk_update writes `SET col = CASE WHEN id=1 THEN .. WHEN id=2 ..`, which
  PostgreSQL evaluates per row against every branch (quadratic in the batch size: ~100 s for
  10,000 people). `UPDATE .. FROM (VALUES ..)` joins instead and takes well under a second.
- `delete_where_in`: DELETE by a list of ids in one statement, without the ORM's collector.
- `reserve_ids`: primary keys taken up front, so rows can point at each other in the INSERT.

The SQLite development default (`make run`) has no casts, arrays or sequences: there each
function runs one prepared statement over every row (`executemany`), which SQLite does
quickly, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

# Rows per `UPDATE .. FROM (VALUES ..)` statement (one parameter per value).
BATCH_SIZE = 2000
# Rows per `INSERT .. SELECT .. FROM unnest(..)` statement (one parameter per column).
INSERT_CHUNK = 10_000
# Ids per `IN (..)` list on databases without arrays: SQLite allows 32,766 variables.
PORTABLE_IN_SIZE = 5000


def insert_rows(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    *,
    columns: Sequence[str] | None = None,
    constants: Mapping[str, Any] | None = None,
    ignore_conflicts: bool = False,
    chunk_size: int = INSERT_CHUNK,
) -> int:
    """INSERT plain rows; returns how many were inserted.

    `rows` map attnames (e.g. "user_id") to database-ready values (ints, strings, bools, dates,
    datetimes, None), or, when `columns` names the attnames, are tuples in that order (cheaper
    for 100,000 rows). `constants` are values every row shares, sent once per statement.
    A field neither in the rows nor in `constants` gets its database default when it declares
    one (`db_default`), else the model default; auto_now and auto_now_add fields get the
    current time. The primary key must be given for every row (see `reserve_ids`) or for none.
    With `ignore_conflicts`, rows hitting a unique constraint are skipped (and not counted).
    """
    if not rows:
        return 0
    constants = dict(constants or {})
    if columns is None:
        given = set().union(*rows)
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname in given and f.attname not in constants
        ]
        defaults = {name: _default(model._meta.get_field(name)) for name in columns}
        rows = [tuple(row.get(name, defaults[name]) for name in columns) for row in rows]
    if not columns:
        raise ValueError("insert_rows needs at least one column that varies per row.")
    fields = [model._meta.get_field(name) for name in columns]
    fixed = [model._meta.get_field(name) for name in constants]
    taken = {*columns, *constants}
    for field in model._meta.concrete_fields:
        if field.attname in taken or field.primary_key or field.has_db_default():
            continue
        fixed.append(field)
        constants[field.attname] = _default(field)
    fixed_params = [f.get_db_prep_save(constants[f.attname], connection) for f in fixed]
    qn = connection.ops.quote_name
    target = (
        f"INSERT INTO {qn(model._meta.db_table)} "
        f"({', '.join(qn(f.column) for f in fields + fixed)})"
    )
    on_conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            placeholders = ", ".join(["%s"] * (len(fields) + len(fixed)))
            cursor.executemany(
                f"{target} VALUES ({placeholders}){on_conflict}",
                [
                    [
                        *(
                            f.get_db_prep_save(v, connection)
                            for f, v in zip(fields, row, strict=True)
                        ),
                        *fixed_params,
                    ]
                    for row in rows
                ],
            )
            return cursor.rowcount
        aliases = [f"c{i}" for i in range(len(fields))]
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        # Typed like the arrays: a bare NULL would be text, which a bigint column refuses.
        shared = [f"%s::{f.db_type(connection)}" for f in fixed]
        sql = (
            f"{target} SELECT {', '.join(aliases + shared)} "
            f"FROM unnest({arrays}) AS t({', '.join(aliases)}){on_conflict}"
        )
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start : start + chunk_size]
            cursor.execute(sql, [*fixed_params, *(list(col) for col in zip(*chunk, strict=True))])
            inserted += cursor.rowcount
    return inserted


def _default(field: Field) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def update_rows(
    model: type[Model],
    rows: Sequence[Mapping[str, object]],
    fields: Sequence[str],
    *,
    batch_size: int = BATCH_SIZE,
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
            chunk = rows[start : start + batch_size]
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


def _update_rows_portable(
    model: type[Model], rows: Sequence[Mapping[str, object]], model_fields: list
) -> int:
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
            chunk = ids[start : start + PORTABLE_IN_SIZE]
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk
            )
            deleted += cursor.rowcount
        return deleted


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Take `count` primary keys from the table's sequence in one query.

    Knowing new rows' ids up front lets rows point at each other (reporting lines between new
    people) in the INSERT itself (Django's foreign keys are checked at commit), not in a second
    UPDATE.
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
        highest = (
            f"SELECT MAX(COALESCE(({highest}), 0), COALESCE((SELECT seq FROM "
            f"sqlite_sequence WHERE name = %s), 0))"
        )
        params = [meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(highest, params)
        first = (cursor.fetchone()[0] or 0) + 1
    return list(range(first, first + count))
