"""Many rows written at once for ``scheme_compute``: one prepared statement run over all rows
(``executemany``; psycopg pipelines it). ``bulk_update``'s CASE expressions and ``bulk_create``'s
per-value preparation took most of the compute time for a county (see docs/assessment.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def _value(field, value):
    """Decimals, text and ids go as they are (both drivers take them); datetimes the backend's way."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(f.removesuffix("_id")) for f in fields]
    columns = ", ".join(quote(f.column) for f in model_fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_value(f, v) for f, v in zip(model_fields, row, strict=True)] for row in rows])


def update_rows(model, fields: Sequence[str], objs: Sequence) -> None:
    if not objs:
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(f) for f in fields]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_value(f, getattr(o, f.attname)) for f in model_fields] + [o.pk] for o in objs])
