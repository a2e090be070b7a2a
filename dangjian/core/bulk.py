"""Many rows written at once: the one fast writer the imports, the audit log and bulk computations share.

Django's ``bulk_create`` compiles an INSERT row by row and field by field (placeholders, per-value
preparation) and ``bulk_update`` a CASE per row and field; for an import of 100,000 members that was
most of the time (docs/benchmarks.md). Here:

- ``insert_objects(objs)``: unsaved model instances become rows the way the ORM would write them —
  the primary key allocated from the table's own sequence (and set on the objects, which is what an
  audit record needs), ``auto_now``/``auto_now_add`` set, each value prepared by its field's
  ``get_db_prep_save`` unless it is already of a type the driver takes as it is. PostgreSQL receives
  them by ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy``), SQLite by one prepared INSERT run over
  all rows (``executemany``).
- ``insert_rows(model, names, rows)``: the same for plain tuples of attribute values (no instances).
- ``analyze(*models)``: fresh planner statistics after a bulk write changed a large share of a table.
- ``update_objects(objs, names)``: the named fields of existing rows — on PostgreSQL copied into a
  temporary table and written by one ``UPDATE … FROM`` it, on SQLite one prepared UPDATE run over all
  rows. It writes what the objects hold: callers bump ``version`` and set ``updated_at`` as their
  actions do. ``update_rows(model, names, rows)``: the same for plain tuples (primary key first).

Nothing here opens a transaction of its own beyond a savepoint around id allocation and insert; the
caller's transaction (``audited_transaction``) makes an import all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice

from django.db import connection, models, transaction
from django.utils import timezone

INSERT_CHUNK = 10_000  # rows prepared at a time (one COPY for all of them)

_TEXT = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})
_INTEGER = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
    }
)


def _native(field) -> frozenset[type]:
    """Python types whose values the driver takes exactly as the field would prepare them."""
    if field.is_relation:
        field = field.target_field
    kind = field.get_internal_type()
    if kind in _TEXT:
        return frozenset({str})
    if kind in _INTEGER:
        return frozenset({int})
    if kind == "BooleanField":
        return frozenset({bool})
    if connection.vendor == "postgresql":  # psycopg adapts these; SQLite needs Django's text forms
        if kind == "DateField":
            return frozenset({dt.date})
        if kind == "DecimalField":
            return frozenset({Decimal})
    return frozenset()


def _prepared(field, values: list) -> list:
    """``values`` as the field's ``get_db_prep_save`` would give them; a column already of native
    types (checked in C: the set of their types) is returned as it is."""
    native = _native(field) | {type(None)}
    if set(map(type, values)) <= native:
        return values
    if _aware_datetimes(field, values):
        return values
    prep = field.get_db_prep_save
    return [None if v is None else prep(v, connection) for v in values]


def _aware_datetimes(field, values: list) -> bool:
    """A column of aware datetimes (the auto_now stamp, audit times): psycopg takes them as they are,
    and Django's preparation would only check, value by value, that they are aware."""
    return (
        connection.vendor == "postgresql"
        and field.get_internal_type() == "DateTimeField"
        and all(v is None or (type(v) is dt.datetime and v.tzinfo is not None) for v in values)
    )


def _fields(model, names: Sequence[str]) -> list:
    """Concrete fields by name or attname (``org`` and ``org_id`` are the same column)."""
    return [model._meta.get_field(name) for name in names]


def allocate_ids(model, count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence, ascending (the audit chain follows
    id order). PostgreSQL: ``nextval`` of the identity or serial sequence. SQLite: past the
    AUTOINCREMENT counter (or the largest id); the caller's transaction holds the write lock
    (``transaction_mode`` IMMEDIATE), and the insert moves the counter."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [quote(table), pk, count]
            )
            return sorted(row[0] for row in cursor.fetchall())
        # AUTOINCREMENT keeps the largest id ever inserted here; a table without a row in it has none
        # yet (or no AUTOINCREMENT), and then its largest id is the start. The audit log's records are
        # therefore never read on an append (the head replaces that read).
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT coalesce(max({quote(pk)}), 0) FROM {quote(table)}")
            row = cursor.fetchone()
        start = row[0] + 1
    return list(range(start, start + count))


def _batches(items: Iterable, size: int = INSERT_CHUNK) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _write(model, fields: list, batches: Iterable[list[list]]) -> int:
    """Write batches of prepared columns (one list per field); one COPY for all of them on
    PostgreSQL. Batches keep the transposed copy of a few million demo rows out of memory."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for columns in batches:
                    for row in zip(*columns, strict=True):
                        copy.write_row(row)
                    count += len(columns[0])
            return count
        marks = ", ".join(["%s"] * len(fields))
        for columns in batches:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(zip(*columns, strict=True)))
            count += len(columns[0])
    return count


def _stamp(fields, objs: list) -> None:
    """What ``pre_save(add=True)`` does before an insert: ``auto_now``/``auto_now_add`` get the time
    (one for the whole call), and a field that computes its value on save computes it."""
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamp = now if isinstance(field, models.DateTimeField) else dt.date.today()
            for obj in objs:
                setattr(obj, field.attname, stamp)
        elif type(field).pre_save is not models.Field.pre_save and not isinstance(field, models.DateField):
            for obj in objs:  # none in this project today
                setattr(obj, field.attname, field.pre_save(obj, True))


def insert_objects(objs: Sequence[models.Model]) -> list:
    """Insert unsaved instances of one model; returns them with their primary keys set and marked
    as saved, as ``bulk_create`` does. Every concrete field is written (defaults were applied when
    the instances were made)."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    pk = meta.pk
    fields = list(meta.concrete_fields)
    with transaction.atomic(savepoint=False):
        missing = [o for o in objs if o.pk is None]
        if missing:
            if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                raise ValueError(f"{meta.label}: primary key {pk.name} has no sequence; set it before inserting")
            for obj, pk_value in zip(missing, allocate_ids(model, len(missing)), strict=True):
                setattr(obj, pk.attname, pk_value)
        _stamp(fields, objs)
        _write(
            model,
            fields,
            ([_prepared(f, [getattr(o, f.attname) for o in batch]) for f in fields] for batch in _batches(objs)),
        )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def insert_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert plain rows (tuples of attribute values in the order of ``names``, taken from any
    iterable in batches); columns not named get the database's default, so name every column
    without one. Returns the number of rows."""
    fields = _fields(model, names)
    return _write(
        model,
        fields,
        (
            [_prepared(f, list(c)) for f, c in zip(fields, zip(*batch, strict=True), strict=True)]
            for batch in _batches(rows)
        ),
    )


def update_objects(objs: Sequence[models.Model], names: Sequence[str]) -> int:
    """Write the named fields of existing rows from the objects, by primary key. Returns the number
    of objects (rows that no longer exist are not an error, as with ``bulk_update``)."""
    objs = list(objs)
    if not objs or not names:
        return 0
    attnames = [f.attname for f in _fields(type(objs[0]), names)]
    return update_rows(type(objs[0]), names, ([o.pk, *(getattr(o, a) for a in attnames)] for o in objs))


def update_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write the named fields of existing rows from plain rows: the primary key, then the values in
    the order of ``names`` (no instances to make). PostgreSQL: the rows are copied into a temporary
    table (``COPY``, as inserts are) and one ``UPDATE … FROM`` it writes them all — an
    ``UPDATE … FROM (VALUES …)`` of 1,000 rows carries some 10,000 parameters, which psycopg splits
    out of the statement in Python (about a tenth of a second per statement). SQLite: one prepared
    UPDATE run over all rows. Returns the number of rows."""
    rows = list(rows)
    if not rows or not names:
        return 0
    pk, fields = model._meta.pk, _fields(model, names)
    columns = [_prepared(f, list(c)) for f, c in zip([pk, *fields], zip(*rows, strict=True), strict=True)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s",
                               [(*row[1:], row[0]) for row in zip(*columns, strict=True)])
            return len(rows)
        temp = quote(f"bulk_update_{model._meta.db_table}")
        names_sql = ", ".join(quote(f.column) for f in [pk, *fields])
        assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
        with transaction.atomic(savepoint=False):
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {names_sql} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {temp} FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} AS v "
                           f"WHERE {table}.{quote(pk.column)} = v.{quote(pk.column)}")
            cursor.execute(f"DROP TABLE {temp}")
    return len(rows)


def analyze(*models_: type[models.Model], columns: Sequence[str] = ()) -> None:
    """Fresh planner statistics for the tables of ``models_`` after a bulk write changed
    much of them, as autovacuum would a minute later: until then PostgreSQL plans with the old
    distribution — after the new rows of a bulk load it believes the tables empty, after a re-check
    that flagged most cases it still believes none flagged, and picks nested loops over thousands of
    rows. ``columns``: only these fields' statistics (those the queries filter and group by), which
    spares computing them over wide text and JSON columns. ANALYZE, unlike VACUUM, may run inside
    the caller's transaction (on SQLite too, where it takes no columns)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            named = ", ".join(quote(f.column) for f in _fields(model, columns))
            only = f" ({named})" if named and connection.vendor == "postgresql" else ""
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}{only}")
