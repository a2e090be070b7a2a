"""Subtree summaries held in the shared cache: the aggregates a clerk's pages show for a large
subtree (the home page's figures and warnings, what falls due, the /orglife/ matrix), computed once
and served to every worker and every user of that subtree for ``settings.SUMMARY_SECONDS``.

- **Shared**: Django's cache (the database cache by default, so the offline PC needs nothing more;
  Redis when ``DANGJIAN_REDIS_URL`` is set), not a per-process memory cache that every gunicorn
  worker fills cold.
- **Stated freshness**: each summary carries the time it was computed, and the page shows it.
- **Trusted**: ``dangjian verify-summaries`` recomputes every summary held in the cache and compares
  it with what the cache holds (``verify``); a difference is reported and the command fails.
- **Only where it pays**: a subtree of at most ``SUMMARY_MIN_ORGS`` organisations is computed live
  on every request (a branch secretary sees their own change at once).

An app registers each kind of summary with ``register_summary(name, compute, variants)``:
``compute(org, variant)`` returns plain, picklable data that compares with ``==``; ``variants()``
names the variants a page currently asks for (a year, a date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .replicas import reading

SUMMARY_MIN_ORGS = 300
KEY_VERSION = 1


@dataclass(frozen=True)
class SummaryKind:
    name: str
    compute: Callable[[object, str], object]
    variants: Callable[[], list[str]]


@dataclass(frozen=True)
class Summary:
    value: object
    computed_at: dt.datetime
    cached: bool  # False when the subtree is small and the value was computed for this request

    @property
    def refresh_minutes(self) -> int:
        return max(1, settings.SUMMARY_SECONDS // 60)


@dataclass(frozen=True)
class Check:
    name: str
    org_path: str
    variant: str
    equal: bool


_kinds: dict[str, SummaryKind] = {}


def register_summary(name: str, compute: Callable, variants: Callable[[], list[str]]) -> SummaryKind:
    kind = _kinds[name] = SummaryKind(name, compute, variants)
    return kind


def summary_kinds() -> list[SummaryKind]:
    return list(_kinds.values())


def key_of(name: str, org, variant: str) -> str:
    # the path is in the key: an organisation moved elsewhere in the tree starts a new summary
    return f"summary:{KEY_VERSION}:{name}:{org.pk}:{org.path}:{variant}"


def subtree_size(org) -> int:
    """How many organisations ``org``'s subtree holds; counted once per ``org`` object, so the
    panels of one page that share it (the home page's) ask once."""
    if "_subtree_size" not in org.__dict__:
        org.__dict__["_subtree_size"] = type(org).objects.filter(path__startswith=org.path).count()
    return org.__dict__["_subtree_size"]


def summary_of(name: str, org, variant: str, *, size: int | None = None) -> Summary:
    """The summary ``name`` of ``org``'s subtree: from the shared cache for a large subtree (computed
    and stored when absent or expired), computed live for a small one."""
    kind = _kinds[name]
    if (size if size is not None else subtree_size(org)) <= SUMMARY_MIN_ORGS:
        with reading():
            return Summary(kind.compute(org, variant), timezone.now(), cached=False)
    key = key_of(name, org, variant)
    held = cache.get(key)
    if held is None:
        with reading():  # on a replica when one is configured (core/replicas.py)
            held = (kind.compute(org, variant), timezone.now())
        cache.set(key, held, settings.SUMMARY_SECONDS)
    return Summary(held[0], held[1], cached=True)


def today_variant() -> list[str]:
    """The variant of a summary that is counted as of today (``variants`` of ``register_summary``)."""
    return [timezone.localdate().isoformat()]


def scope_summary(name: str, scope: dict) -> Summary:
    """Today's summary ``name`` of a home-page scope's organisation; the subtree's size is the one
    the organisation panel put in the scope when it ran first."""
    org, size = scope["org"], scope.get("size")
    return summary_of(name, org, today_variant()[0], size=size if size is not None else subtree_size(org))


def verify(orgs: Iterable) -> list[Check]:
    """For each registered summary, each organisation in ``orgs`` and each current variant: if the
    cache holds that summary, recompute it in full and compare. The summary is left as it was."""
    checks = []
    for org in orgs:
        for kind in _kinds.values():
            for variant in kind.variants():
                held = cache.get(key_of(kind.name, org, variant))
                if held is None:
                    continue
                fresh = kind.compute(org, variant)
                checks.append(Check(kind.name, org.path, variant, fresh == held[0]))
    return checks
