"""Applying the rules to stored cases: one case after a step is recorded, or every case of a subtree
at once, set-based — the cases, their steps, the people named and the holiday calendar are read in a
fixed number of queries, the rules run in Python, and the results are written back in batches.

What is written (stage, status, next due date, flags) is derived from the steps, so it is not a
change of record and writes no audit entry; the recording of the steps is audited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.bulk import update_objects

from . import rules
from .models import RecruitmentCase
from .queries import calendar_for, facts_for, layer_map, layers_at

DERIVED = ["stage", "current_step", "status", "next_due_on", "next_due_label", "flags", "flag_count", "checked_at"]
BATCH = 2000


def apply(case: RecruitmentCase, steps: list[rules.StepFacts], rs: rules.RuleSet, calendar,
          today: dt.date, now) -> list[rules.Flag]:
    facts = rules.CaseFacts(birth_date=case.birth_date, steps=tuple(steps))
    flags = rules.check(facts, rs, calendar=calendar, today=today)
    where = rules.position(facts, rs)
    case.stage, case.current_step, case.status = where.stage, where.step, where.status
    case.next_due_on, case.next_due_label = where.due_on, where.due_label
    case.flags = [f.as_dict() for f in flags]
    case.flag_count = len(flags)
    case.checked_at = now
    return flags


def check_case(case: RecruitmentCase, *, today: dt.date | None = None, save: bool = True) -> list[rules.Flag]:
    today = today or timezone.localdate()
    steps = facts_for([case.pk]).get(case.pk, [])
    rs = rules.rule_set_for(case.applied_on, layers_at(case.org.path, layer_map()))
    calendar = calendar_for([s.done_on for s in steps] + [s.publicity_start for s in steps if s.publicity_start])
    flags = apply(case, steps, rs, calendar, today, timezone.now())
    if save:
        RecruitmentCase.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in DERIVED})
    return flags


def check_all(qs, *, today: dt.date | None = None) -> int:
    """Re-check every case of ``qs``: returns the number of cases checked."""
    today = today or timezone.localdate()
    now = timezone.now()
    cases = list(qs.select_related(None).only("pk", "birth_date", "applied_on", "org__path").select_related("org")
                 .order_by("pk"))
    if not cases:
        return 0
    ids = qs.order_by().values("pk")
    steps = facts_for(ids)
    switches = layer_map()
    first = min(c.applied_on for c in cases)
    calendar = calendar_for([first, today])
    sets: dict[tuple, rules.RuleSet] = {}
    for case in cases:
        layers = frozenset(layers_at(case.org.path, switches))
        key = (rules.edition_for(case.applied_on).code, layers)
        rs = sets.get(key) or sets.setdefault(key, rules.rule_set_for(case.applied_on, layers))
        apply(case, steps.get(case.pk, []), rs, calendar, today, now)
    write_derived(cases)
    return len(cases)


def write_derived(cases: list[RecruitmentCase]) -> None:
    """The derived columns of many cases: one UPDATE … FROM (VALUES …) per 1,000 rows on PostgreSQL
    (core.bulk). Django's bulk_update writes a CASE WHEN per column over the whole batch, which
    PostgreSQL evaluates row by row (batch² comparisons per column)."""
    update_objects(cases, DERIVED)
