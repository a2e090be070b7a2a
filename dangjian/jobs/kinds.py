"""The kinds of background job, each registered by the app that owns the work.

A kind is a plain function taking a ``JobContext``: it reads its parameters, re-applies the
requesting user's scope (the user's positions may have changed since the request), reports
progress, and hands back its result file. It raises ``JobFailed`` with a Chinese reason for
failures a person can act on; anything else is reported as an internal error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class JobFailed(Exception):
    """A failure the requesting person can understand: the message is shown as it is (Chinese)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable
    reads_replica: bool = False  # a report or export: it reads on a replica (core/replicas.py)


_KINDS: dict[str, JobKind] = {}


def register(name: str, label: str, *, reads_replica: bool = False) -> Callable:
    """``@register("members.roster", "党员名册导出")`` over ``def run(context): ...``. A kind that only
    reads and writes its result file says ``reads_replica=True``: it reads on a replica that has
    replayed everything committed when the job started."""

    def wrap(run: Callable) -> Callable:
        _KINDS[name] = JobKind(name, label, run, reads_replica)
        return run

    return wrap


def kind_of(name: str) -> JobKind | None:
    return _KINDS.get(name)


def label_of(name: str) -> str:
    kind = _KINDS.get(name)
    return kind.label if kind else name
