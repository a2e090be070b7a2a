"""Scheduled work without cron: the worker asks ``enqueue_due`` before each round, and a task
whose time has come today is queued once. The unique (name, period) row makes "once" hold across
restarts and several workers; a worker that was down at the set time catches up when it starts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicRun


@dataclass(frozen=True)
class Schedule:
    name: str
    task: object  # a django-tasks Task
    at: dt.time  # the time of day (daily), or the minute past each hour (hourly)
    hourly: bool = False


_SCHEDULES: dict[str, Schedule] = {}


def daily(name: str, *, at: dt.time):
    """``@daily("worklists.reminders", at=time(6, 0))`` over a django-tasks ``@task()``."""

    def wrap(task):
        _SCHEDULES[name] = Schedule(name, task, at)
        return task

    return wrap


def hourly(name: str, *, minute: int = 0):
    """``@hourly("accounts.purge_sessions", minute=15)`` over a django-tasks ``@task()``: once an hour."""

    def wrap(task):
        _SCHEDULES[name] = Schedule(name, task, dt.time(0, minute), hourly=True)
        return task

    return wrap


def schedules() -> list[Schedule]:
    return sorted(_SCHEDULES.values(), key=lambda s: (s.at, s.name))


def due_key(schedule: Schedule, now: dt.datetime) -> str | None:
    """The period a schedule should have run for by ``now`` (local time): today once its hour has
    come (this hour once its minute has, for an hourly one), otherwise nothing yet."""
    local = timezone.localtime(now)
    if schedule.hourly:
        return f"{local:%Y-%m-%dT%H}" if local.minute >= schedule.at.minute else None
    return local.date().isoformat() if local.time() >= schedule.at else None


def enqueue_due(now: dt.datetime | None = None) -> list[PeriodicRun]:
    now = now or timezone.now()
    started = []
    for schedule in schedules():
        key = due_key(schedule, now)
        if key is None or PeriodicRun.objects.filter(name=schedule.name, run_key=key).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(name=schedule.name, run_key=key)
                run.task_id = str(schedule.task.enqueue().id)
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another worker took this run first
            continue
        started.append(run)
    return started
