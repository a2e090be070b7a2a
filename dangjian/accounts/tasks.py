"""The hourly purge of expired sessions and the search filters they hold (no cron: the worker
queues it, ``jobs.periodic``). ``dangjian purge-sessions`` does the same by hand."""

from __future__ import annotations

from django_tasks import task

from dangjian.jobs.periodic import hourly

from .sessions import purge_expired_sessions


@hourly("accounts.purge_sessions", minute=15)
@task()
def purge_sessions() -> dict:
    sessions, tracked = purge_expired_sessions()
    return {"sessions": sessions, "tracked": tracked}
