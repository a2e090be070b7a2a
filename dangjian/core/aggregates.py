"""Aggregates Django 5.2 does not have for every database we run on."""

from django.db.models import Aggregate, TextField


class JoinedText(Aggregate):
    """A group's text values joined by ``;`` in no particular order: STRING_AGG on PostgreSQL,
    GROUP_CONCAT on SQLite (Django 6 brings a ``StringAgg`` of its own; 5.2 has one for PostgreSQL only)."""

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s, ';')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)

