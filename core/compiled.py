"""Reads whose SQL is built once. A few count queries that every HR program page runs cost more
in the ORM (building the queryset, compiling it: thousands of Python calls for a union of four
counts) than in the database. Their SQL depends only on a few arguments (ids, texts, dates), so
it is built and compiled once per process with stand-ins for them, then run with each call's
values in their place."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


def _stand_in(position: int, value: Any) -> Any:
    # Values no id, text or date of ours takes; each argument's own.
    if isinstance(value, bool):
        raise TypeError("compiled_rows takes ids, texts and dates, not booleans")
    if isinstance(value, int):
        return -7_000_000_000 - position
    if isinstance(value, str):
        return f"\x1fstand-in {position}\x1f"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("compiled reads take aware datetimes only")
        return datetime(1000 + position, 1, 1, tzinfo=UTC)
    if isinstance(value, date):
        return date(1000 + position, 1, 1)
    raise TypeError(f"compiled_rows cannot stand in for {type(value).__name__}")


def compiled_rows(build: Callable[..., QuerySet]) -> Callable[..., list[tuple]]:
    """`build(*args)` returns a `values_list` queryset of plain values (counts, ids, texts: no
    converter changes them); the function returned runs its SQL for `args` and returns the
    rows as tuples. The queryset is built and compiled on the first call only, with stand-ins
    for the arguments: each must reach the SQL as parameters equal to it (not inside a LIKE
    pattern, not deciding the query's shape), which that first call checks. Whatever else the
    SQL holds is fixed: `build` must read nothing else that changes (no clock, no settings)."""
    compiled: dict[str, tuple[str, str, list[Any], list[int | None]]] = {}

    @functools.wraps(build)
    def run(*args: Any) -> list[tuple]:
        entry = compiled.get("sql")
        if entry is None:
            entry = compiled["sql"] = _compile(build, args)
        alias, sql, params, slots = entry
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, _bound(connection, params, slots, args))
            return cursor.fetchall()

    run.build = build  # the queryset itself, for tests and reuse
    return run


def _bound(connection, params: list, slots: list, args: tuple) -> list:
    """The compiled SQL's parameters for this call: each argument's value in its slots."""
    return [
        params[i] if slot is None else _adapt(connection, args[slot])
        for i, slot in enumerate(slots)
    ]


def _adapt(connection, value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


def _compile(build: Callable[..., QuerySet], args: tuple, with_compiler: bool = False) -> tuple:
    stand_ins = [_stand_in(i, value) for i, value in enumerate(args)]
    qs = build(*stand_ins)
    connection = connections[qs.db]
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    forms = {}
    for i, value in enumerate(stand_ins):
        forms[(type(value), value)] = i
        adapted = _adapt(connection, value)
        forms[(type(adapted), adapted)] = i
    slots = [forms.get((type(p), p)) if _hashable(p) else None for p in params]
    missing = set(range(len(args))) - set(slots)
    if missing:
        raise ValueError(f"arguments {sorted(missing)} do not reach the SQL as parameters")
    if with_compiler:
        return qs.db, sql, list(params), slots, compiler
    return qs.db, sql, list(params), slots


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def compiled_page(build: Callable[..., QuerySet]) -> Callable[..., list[tuple]]:
    """As `compiled_rows`, for a list read a page at a time: the function returned takes
    keyword arguments `offset` and `limit` after `build`'s and reads those rows only, as
    parameters of a LIMIT and OFFSET appended to the SQL built once (`build` must return an
    ordered queryset, not sliced). A limit of 0 reads nothing, as an empty slice of a
    queryset does."""
    compiled: dict[str, tuple[str, str, list[Any], list[int | None]]] = {}

    @functools.wraps(build)
    def run(*args: Any, offset: int, limit: int) -> list[tuple]:
        if limit <= 0:
            return []
        entry = compiled.get("sql")
        if entry is None:
            entry = compiled["sql"] = _compile(build, args)
        alias, sql, params, slots = entry
        connection = connections[alias]
        values = _bound(connection, params, slots, args)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*values, limit, offset])
            return cursor.fetchall()

    run.build = build
    return run


def compiled_objects(build: Callable[..., QuerySet]) -> Callable[..., list[Model]]:
    """As `compiled_rows`, for a queryset of model instances: `build(*args)` returns a plain
    queryset (its fields or some of them, `select_related` objects, annotations; sliced if it
    should be, never prefetching: a prefetch would not run); the function returned runs its
    SQL for `args` and returns the instances as iterating the queryset would (built by
    `Model.from_db`, related objects set, annotations as attributes, each value converted as
    the ORM converts it). Arguments may also be aware datetimes (`timezone.now()`)."""
    compiled: dict[str, tuple] = {}

    @functools.wraps(build)
    def run(*args: Any) -> list[Model]:
        entry = compiled.get("sql")
        if entry is None:
            entry = compiled["sql"] = _object_reader(*_compile(build, args, with_compiler=True))
        alias, sql, params, slots, make = entry
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, _bound(connection, params, slots, args))
            rows = cursor.fetchall()
        return make(rows) if rows else []

    run.build = build
    return run


def _object_reader(alias: str, sql: str, params: list, slots: list, compiler) -> tuple:
    """What ModelIterable does with a compiled query's rows, its set-up done once."""
    select, klass_info = compiler.select, compiler.klass_info
    annotations = list(compiler.annotation_col_map.items())
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, alias)
    converters = list(compiler.get_converters([s[0] for s in select[: compiler.col_count]]).items())
    width = compiler.col_count if compiler.has_extra_select else None

    def make(rows: list[tuple]) -> list[Model]:
        if width is not None:
            rows = [row[:width] for row in rows]
        if converters:
            rows = _converted(rows, converters, connections[alias])
        found = []
        for row in rows:
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    return alias, sql, params, slots, make


def _converted(rows: list[tuple], converters: list, connection) -> list[list]:
    # SQLCompiler.apply_converters, with this thread's connection.
    converted = []
    for row in map(list, rows):
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(row)
    return converted
