"""Applying the rules to stored cases: one case after a step is recorded, or every case of a subtree
at once, set-based — the cases, their steps, the people named and the holiday calendar are read in a
fixed number of queries, the rules run in Python, and only the cases whose results changed are
written back (core.bulk), with the time of that check (``checked_at``: when the results last changed).
A daily re-check of a city thus rewrites the few cases a day moved, not all of them.

What is written (stage, status, next due date, flags) is derived from the steps, so it is not a
change of record and writes no audit entry; the recording of the steps is audited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.core.bulk import analyze, update_rows
from dangjian.core.collector import collector_paused

from . import rules
from .models import RecruitmentCase
from .queries import calendar_for, facts_for, layer_map, layers_at

# The columns derived from the steps, in the order of ``derive``'s result; then the time of the check.
RESULTS = ["stage", "current_step", "status", "next_due_on", "next_due_label", "flags", "flag_count"]
DERIVED = [*RESULTS, "checked_at"]
REANALYZE_AT = 1000  # changed cases (and a tenth of those checked) after which the statistics are renewed


def derive(birth_date: dt.date, steps, rs: rules.RuleSet, calendar, today: dt.date) -> tuple[tuple, list]:
    """The values of ``RESULTS`` for a case (as stored: flags as dicts) and its flags."""
    facts = rules.CaseFacts(birth_date=birth_date, steps=tuple(steps))
    flags = rules.check(facts, rs, calendar=calendar, today=today)
    where = rules.position(facts, rs)
    return (where.stage, where.step, where.status, where.due_on, where.due_label,
            [f.as_dict() for f in flags], len(flags)), flags


def check_case(case: RecruitmentCase, *, today: dt.date | None = None, save: bool = True) -> list[rules.Flag]:
    today = today or timezone.localdate()
    steps = facts_for([case.pk]).get(case.pk, [])
    rs = rules.rule_set_for(case.applied_on, layers_at(case.org.path, layer_map()))
    calendar = calendar_for(_days(steps))
    values, flags = derive(case.birth_date, steps, rs, calendar, today)
    for name, value in zip(RESULTS, values, strict=True):
        setattr(case, name, value)
    case.checked_at = timezone.now()
    if save:
        RecruitmentCase.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in DERIVED})
    return flags


def _days(steps) -> list[dt.date]:
    """The days a calendar must cover for ``steps``: their dates and their 公示 periods."""
    return ([s.done_on for s in steps] + [s.publicity_start for s in steps if s.publicity_start]
            + [s.publicity_end for s in steps if s.publicity_end])


class RuleSets:
    """The rule set of each case from the switched-on layers, made once per edition and set of layers
    (a city has two editions and a handful of layer combinations, but thousands of branches)."""

    def __init__(self) -> None:
        self.switches = layer_map()
        self.layers: dict[str, frozenset[str]] = {}
        self.sets: dict[tuple, rules.RuleSet] = {}

    def __call__(self, applied_on: dt.date, path: str) -> rules.RuleSet:
        layers = self.layers.get(path)
        if layers is None:
            layers = self.layers[path] = frozenset(layers_at(path, self.switches))
        key = (rules.edition_for(applied_on).code, layers)
        found = self.sets.get(key)
        if found is None:
            found = self.sets[key] = rules.rule_set_for(applied_on, layers)
        return found


def check_all(qs, *, today: dt.date | None = None) -> int:
    """Re-check every case of ``qs``: returns the number of cases checked. Reads the stored results
    beside the facts and writes back only the cases whose results differ."""
    today = today or timezone.localdate()
    now = timezone.now()
    with collector_paused():
        rows = list(qs.order_by("pk").values_list("pk", "birth_date", "applied_on", "org__path", *RESULTS))
        if not rows:
            return 0
        changed = _changed(rows, facts_for(qs.order_by().values("pk")), today, now)
    # core.bulk, not bulk_update: that writes a CASE WHEN per column over the whole batch, which
    # PostgreSQL evaluates row by row (batch² comparisons per column).
    update_rows(RecruitmentCase, DERIVED, changed)
    if len(changed) >= max(REANALYZE_AT, len(rows) // 10):
        # the pipeline's counts and lists plan with the new stages, due dates and flags
        analyze(RecruitmentCase, columns=["stage", "status", "next_due_on", "flag_count"])
    return len(rows)


def _changed(rows: list[tuple], steps: dict, today: dt.date, now) -> list[tuple]:
    """The rows to write — primary key, then ``DERIVED`` — of the cases whose results differ from
    those stored."""
    days = [day for found in steps.values() for day in _days(found)]
    calendar = calendar_for([*days, min(r[2] for r in rows), today])
    rule_set = RuleSets()
    changed = []
    for pk, birth_date, applied_on, path, *stored in rows:
        values, _ = derive(birth_date, steps.get(pk, ()), rule_set(applied_on, path), calendar, today)
        if values != tuple(stored):
            changed.append((pk, *values, now))
    return changed
