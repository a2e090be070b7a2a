"""Reads of 发展党员: every list starts from ``restrict``; the facts the rules need and the pipeline
counts come from a fixed number of queries whatever the number of cases or branches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from dangjian.core.calendar import work_calendar
from dangjian.core.scoping import VIEW
from dangjian.core.tree import ancestors_and_self

from . import rules
from .choices import Outcome, Stage
from .models import CaseStep, RecruitmentCase, RuleLayerSwitch

DUE_WINDOW_DAYS = 30
# The details of a step the rules read, in the order of rules.StepFacts after its persons; most
# steps have none of them (only a date), and are read without them.
DETAIL_FIELDS = ("voting_expected", "voting_present", "votes_for", "individually", "training_days",
                 "training_hours", "publicity_start", "publicity_end", "approver", "outcome",
                 "extension_months", "reason")
DETAIL_COLUMNS = tuple("approver__kind" if name == "approver" else name for name in DETAIL_FIELDS)


def cases_for(user, action: str = VIEW):
    return RecruitmentCase.objects.restrict(user, action).select_related("org")


def in_subtree(qs, root):
    return qs.filter(org__path__startswith=root.path) if root is not None else qs


# -- facts for the rules --------------------------------------------------------------------------

def layer_map() -> dict[str, set[str]]:
    """Switched-on local layers by the path of the organisation that switched them on (a small table)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path, layer in RuleLayerSwitch.objects.values_list("owner__path", "layer"):
        found[path].add(layer)
    return found


def layers_at(path: str, switches: dict[str, set[str]]) -> set[str]:
    return set().union(*(switches.get(p, set()) for p in ancestors_and_self(path)))


def rule_set_of(case: RecruitmentCase, switches: dict[str, set[str]] | None = None) -> rules.RuleSet:
    switches = layer_map() if switches is None else switches
    return rules.rule_set_for(case.applied_on, layers_at(case.org.path, switches))


def _details(expected, present, votes, individually, days, hours, start, end, approver, outcome, extension,
             reason) -> tuple:
    return (expected, present, votes, individually, float(days or 0), float(hours or 0), start, end,
            approver or "", outcome or "", extension or 0, reason or "")


def _defaults() -> tuple[Q, tuple]:
    """The condition "some detail differs from the model's default" and the details of a step that
    has none, both from the model's fields (a detail added to the model is read the same way)."""
    plain, values = Q(), []
    for name in DETAIL_FIELDS:
        model_field = CaseStep._meta.get_field(name)
        default = model_field.get_default()
        plain &= Q(**{f"{name}__isnull": True}) if default is None else Q(**{name: default})
        values.append(default)
    return ~plain, _details(*values)


def facts_for(case_ids) -> dict[int, list[rules.StepFacts]]:
    """Every step of the cases ``case_ids`` (a list or a subquery of ids), people included: three
    queries — the people named, every step's date, and the details of the few steps that have any
    (a city's 20,000 cases have some 300,000 steps, a sixth of them with details). Rows are read as
    tuples and made into ``StepFacts`` without going through dicts."""
    through = CaseStep.persons.through
    people: dict[int, list[rules.Person]] = defaultdict(list)
    for step_id, *person in (through.objects.filter(casestep__case_id__in=case_ids)
                             .values_list("casestep_id", "member__name", "member__membership_type",
                                          "member__status").order_by("casestep_id", "member_id")):
        people[step_id].append(rules.Person._make(person))
    has_details, plain = _defaults()
    details = {step_id: _details(*row) for step_id, *row in (
        CaseStep.objects.filter(has_details, case_id__in=case_ids).order_by().values_list("id", *DETAIL_COLUMNS))}
    steps: dict[int, list[rules.StepFacts]] = defaultdict(list)
    make, none = rules.StepFacts._make, ()
    for step_id, case_id, step, done_on in (CaseStep.objects.filter(case_id__in=case_ids).order_by()
                                            .values_list("id", "case_id", "step", "done_on")):
        persons = tuple(people[step_id]) if step_id in people else none
        steps[case_id].append(make((step, done_on, persons, *details.get(step_id, plain))))
    return steps


def calendar_for(days: list[dt.date]):
    if not days:
        return work_calendar(dt.date.today(), dt.date.today())
    return work_calendar(min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=400))


# -- the pipeline ---------------------------------------------------------------------------------

def due_q(today: dt.date) -> Q:
    return Q(next_due_on__gte=today, next_due_on__lte=today + dt.timedelta(days=DUE_WINDOW_DAYS))


def overdue_q(today: dt.date) -> Q:
    return Q(next_due_on__lt=today)


COUNTS = ("n", "due", "overdue", "flagged")


@dataclass
class Pipeline:
    stages: list[tuple[int, str, int]] = field(default_factory=list)
    total: int = 0
    due: int = 0
    overdue: int = 0
    flagged: int = 0
    # per stage: {"n", "due", "overdue", "flagged"}, the counts the list's filters select
    by_stage: dict[int, dict[str, int]] = field(default_factory=dict)

    def count_of(self, *, stage: str = "", show: str = "", q: str = "") -> int | None:
        """How many cases ``filter_cases`` selects with these filters, from the counts already made
        (the list's pager needs no count query of its own); None for a search by name."""
        if q:
            return None
        key = show if show in PIPELINE_FILTERS else "n"
        rows = [self.by_stage.get(int(stage), {})] if stage.isdigit() else self.by_stage.values()
        return sum(row.get(key, 0) for row in rows)


def pipeline_counts(qs, today: dt.date) -> Pipeline:
    """Numbers per stage, due in the next 30 days, overdue and flagged: one grouped query (a scan of
    the subtree's cases) gives each stage's numbers, the totals are their sums."""
    rows = (qs.order_by().values("stage")
            .annotate(n=Count("pk"), due=Count("pk", filter=due_q(today)), overdue=Count("pk", filter=overdue_q(today)),
                      flagged=Count("pk", filter=Q(flag_count__gt=0)))
            .values_list("stage", *COUNTS))
    by_stage = {stage: dict(zip(COUNTS, counts, strict=True)) for stage, *counts in rows}
    sums = {key: sum(row[key] for row in by_stage.values()) for key in ("due", "overdue", "flagged")}
    return Pipeline(stages=[(code, label, by_stage.get(code, {}).get("n", 0)) for code, label in Stage.choices],
                    total=sum(row["n"] for row in by_stage.values()), by_stage=by_stage, **sums)


PIPELINE_FILTERS = {
    "due": lambda qs, today: qs.filter(due_q(today)),
    "overdue": lambda qs, today: qs.filter(overdue_q(today)),
    "flagged": lambda qs, today: qs.filter(flag_count__gt=0),
}


def filter_cases(qs, *, stage: str = "", show: str = "", q: str = "", today: dt.date):
    if stage.isdigit():
        qs = qs.filter(stage=int(stage))
    if show in PIPELINE_FILTERS:
        qs = PIPELINE_FILTERS[show](qs, today)
    if q:
        qs = qs.filter(name__icontains=q.strip()[:50])
    return qs


# The yearly 发展党员 statistics: a column per milestone, counted by the year the step was taken.
YEARLY_COLUMNS = [
    ("applied", "递交入党申请书", Q(step=1)),
    ("activists", "确定入党积极分子", Q(step=3)),
    ("candidates", "确定发展对象", Q(step=7)),
    ("admitted", "接收预备党员", Q(step=17) & ~Q(outcome=Outcome.REJECTED)),
    ("confirmed", "预备党员转正", Q(step=24) & Q(case__status="full")),
    ("extended", "延长预备期", Q(step=23, outcome=Outcome.EXTEND)),
    ("cancelled", "取消预备党员资格", Q(step=23, outcome=Outcome.CANCEL)),
]


def yearly_stats(user, root) -> list[dict]:
    """One row per year over ``root``'s subtree: one grouped query over the steps."""
    steps = CaseStep.objects.restrict(user, VIEW)
    if root is not None:
        steps = steps.filter(case__org__path__startswith=root.path)
    rows = (steps.order_by().annotate(year=ExtractYear("done_on")).values("year")
            .annotate(**{key: Count("case_id", filter=cond, distinct=True) for key, _, cond in YEARLY_COLUMNS})
            .order_by("-year"))
    return list(rows)
