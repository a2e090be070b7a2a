"""Many rows written at once for ``scheme_compute``. ``bulk_update``'s CASE expressions and
``bulk_create``'s per-value preparation took most of the compute time for a county, so: computed
scores are replaced (one DELETE, then COPY on PostgreSQL or one prepared INSERT run over all rows
on SQLite), and grades are updated from a VALUES list (PostgreSQL) or one prepared UPDATE run over
all rows (SQLite)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 2000


def _value(field, value):
    """Decimals, text and ids go as they are (both drivers take them); datetimes the backend's way."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _fields(model, names: Sequence[str]):
    return [model._meta.get_field(n.removesuffix("_id")) for n in names]


def insert_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> None:
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = _fields(model, names)
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                           [[_value(f, v) for f, v in zip(fields, row, strict=True)] for row in rows])


_PG_TYPES = {models.DecimalField: "numeric", models.CharField: "text", models.DateTimeField: "timestamptz"}


def update_rows(model, names: Sequence[str], objs: Sequence) -> None:
    if not objs:
        return
    quote = connection.ops.quote_name
    fields = _fields(model, names)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            casts = ", ".join(["%s::bigint"] + [f"%s::{_PG_TYPES[type(f)]}" for f in fields])
            assignments = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(fields))
            names_v = ", ".join(["id"] + [f"c{i}" for i in range(len(fields))])
            for start in range(0, len(objs), CHUNK):
                chunk = objs[start:start + CHUNK]
                values = ", ".join([f"({casts})"] * len(chunk))
                params = [p for o in chunk for p in [o.pk, *(getattr(o, f.attname) for f in fields)]]
                cursor.execute(f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v({names_v}) "
                               f"WHERE {table}.{pk} = v.id", params)
            return
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                           [[_value(f, getattr(o, f.attname)) for f in fields] + [o.pk] for o in objs])
