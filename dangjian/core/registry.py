"""Registries the feature apps join, so core and the home app never name them.

Three things are collected here, each from a module of the same name in every app, found by
``discover(kind)`` (Django's ``autodiscover_modules``):

- ``demo.py`` calls ``register_demo``: how the app adds its demo records (``dangjian demo-data``);
- ``bench.py`` calls ``register_bench``: the figures the app measures (``dangjian bench``);
- ``panels.py`` calls ``register_panel``: what the app shows on the home page (工作台);
- ``dashboards.py`` calls ``register_dashboard``: what the app shows on an organisation's 数据看板;
- ``indicators.py`` calls ``register_indicator``: a 考核评价 indicator computed from the app's records
  (the assessment scores it; the app only counts, set-based, and lists the evidence);
- ``statsources.py`` calls ``register_statistics``: figures of the app's records that the 数据看板
  adds to every organisation's figures (frozen in snapshots, read by the 党内统计 tables), with the
  records behind each figure, so the dashboard reads e.g. the 两新 registry without importing it;
- ``points.py`` calls ``register_points_source`` (a quantity per member and year that 党员积分 turns
  into points under a yearly rule) and ``register_member_facts`` (what 民主评议党员 shows beside each
  member), so the appraisal app reads other apps' records without importing them.

Demo and bench steps declare the steps they come after; ``ordered`` runs them in an order that
honours those declarations (and, among equals, the order of INSTALLED_APPS). A new app joins by
adding its own module; no central file changes. See docs/architecture.md, "登记表".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


class RegistryError(Exception):
    pass


@dataclass(frozen=True)
class DemoStep:
    """``generate(*, scale, seed, today, stdout)`` adds the app's demo records (its own transaction
    is the caller's); ``wipe()`` removes them before a ``--replace``; ``count()`` says how many of
    its main records exist (the command's "already has data" check uses the first step's)."""

    name: str
    generate: Callable
    wipe: Callable | None = None
    count: Callable | None = None
    summary: Callable | None = None
    after: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class BenchStep:
    """``measure(ctx)`` returns rows (what, value, target) and may set attributes on ``ctx`` for the
    steps after it (the data step sets ``ctx.root`` and ``ctx.user``)."""

    name: str
    measure: Callable
    after: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Panel:
    """A block of the home page. ``per_scope`` panels are rendered once per organisation the user
    holds a position in, with ``context(request, scope)``; page panels once, above the scopes, with
    ``context(request, scopes)``. ``context`` returns the template's context, or None to show nothing."""

    name: str
    template: str
    context: Callable
    order: int = 100
    per_scope: bool = True


@dataclass(frozen=True)
class DashboardPanel:
    """A block of an organisation's 数据看板 (``/dashboard/<org>/``). ``context(request, org, board)``
    returns the template's context, or None to show nothing; ``board`` holds what the dashboard has
    already computed (``figures`` of the organisation and its children, ``day``), so a panel needs no
    query of its own for those. A panel's charts are dicts rendered by ``dashboard/_chart.html``."""

    name: str
    template: str
    context: Callable
    order: int = 100


RATE, COUNT = "rate", "count"


@dataclass(frozen=True)
class ComputedIndicator:
    """A computed 考核评价 indicator another app provides. ``name`` is its code (at most 30 characters,
    stored on the scheme's indicator); ``label`` its Chinese name. ``gather(root, year, org_ids, today)``
    returns ``{org_id: count}`` (``kind`` COUNT: each unit deducts points) or ``{org_id: (done, due)}``
    (``kind`` RATE: points in proportion) for the organisations of ``root``'s subtree, in a number of
    queries that does not grow with them; a missing organisation counts 0 (or nothing due).
    ``evidence(org, year, today)`` returns the rows counted as ``(label, detail, url_name, pk)``.
    ``wording`` names what is counted (COUNT: the unit, e.g. "项发展党员程序问题"; RATE: the ratio,
    e.g. "党费已交/应交（人·月）"); ``none_text`` is the reason when nothing is due."""

    name: str
    label: str
    kind: str
    gather: Callable
    evidence: Callable
    wording: str
    none_text: str = "本年度没有应计项目，按满分计"


@dataclass(frozen=True)
class PointsSource:
    """A quantity per member and year another app measures (e.g. confirmed service hours), which
    党员积分 turns into points under a rule the organisation sets per year (points per ``unit``s,
    capped). ``amounts(root, year)`` returns ``{member_id: Decimal}`` for the members whose
    organisation lies in ``root``'s subtree, in a fixed number of queries; ``label`` names the
    quantity (e.g. "社区确认的服务时长"), ``unit`` its unit (e.g. "小时"), ``category`` the
    ``appraisal.choices.PointsCategory`` it scores."""

    name: str
    label: str
    unit: str
    amounts: Callable
    category: str = "service"


@dataclass(frozen=True)
class MemberFacts:
    """What another app knows about members that 民主评议党员 shows beside each of them.
    ``facts(member_ids, year)`` returns ``{member_id: [text, ...]}`` in a fixed number of queries
    (the caller has already scoped the members); ``label`` heads the texts (e.g. "社区反馈")."""

    name: str
    label: str
    facts: Callable


@dataclass(frozen=True)
class RecordList:
    """The records behind one figure, as a table: ``headers`` (Chinese), ``rows`` (a queryset already
    restricted to the user's scope, ordered) and ``cells(record)`` → ``[(text, url or None), ...]``."""

    title: str
    headers: list[str]
    rows: object
    cells: Callable


@dataclass(frozen=True)
class StatisticsSource:
    """Figures another app adds to every organisation's figures on the 数据看板, in snapshots and in
    the 党内统计 tables. Every key starts with ``name + ":"``; ``KEY@类别`` crosses a figure with a
    category, as the dashboard's own keys do (docs/dashboard.md).

    ``count(root, day)`` returns ``{org_id: {key: n}}``: each organisation's *own* figures (the
    dashboard sums them up the tree) for ``root``'s subtree on ``day``, in a fixed number of queries,
    read by the system (not by a user's scope: the figures are of the whole subtree).
    ``labels()`` returns ``{key: 中文}`` for keys without ``@``.
    ``records(user, org, key, day)`` returns the ``RecordList`` behind ``key`` over ``org``'s subtree
    in ``user``'s scope, or None for a key that is not a count of records."""

    name: str
    count: Callable
    labels: Callable
    records: Callable


@dataclass
class _Registry:
    items: dict[str, object] = field(default_factory=dict)

    def add(self, item) -> None:
        if item.name in self.items and self.items[item.name] != item:
            raise RegistryError(f"“{item.name}”已登记")
        self.items[item.name] = item


_demo = _Registry()
_bench = _Registry()
_panels = _Registry()
_dashboards = _Registry()
_indicators = _Registry()
_points_sources = _Registry()
_member_facts = _Registry()
_statistics = _Registry()
_discovered: set[str] = set()


def discover(kind: str) -> None:
    """Import ``<app>.<kind>`` for every installed app that has one (once per process)."""
    if kind not in _discovered:
        autodiscover_modules(kind)
        _discovered.add(kind)


def register_demo(name: str, generate: Callable, **options) -> DemoStep:
    step = DemoStep(name, generate, **options)
    _demo.add(step)
    return step


def register_bench(name: str, measure: Callable, **options) -> BenchStep:
    step = BenchStep(name, measure, **options)
    _bench.add(step)
    return step


def register_panel(name: str, template: str, context: Callable, **options) -> Panel:
    panel = Panel(name, template, context, **options)
    _panels.add(panel)
    return panel


def register_dashboard(name: str, template: str, context: Callable, **options) -> DashboardPanel:
    panel = DashboardPanel(name, template, context, **options)
    _dashboards.add(panel)
    return panel


def register_indicator(name: str, label: str, kind: str, gather: Callable, evidence: Callable,
                       **options) -> ComputedIndicator:
    if kind not in (RATE, COUNT):
        raise RegistryError(f"“{name}”的计分方式应为 {RATE} 或 {COUNT}")
    if len(name) > 30:
        raise RegistryError(f"“{name}”的代码超过 30 个字符")
    indicator = ComputedIndicator(name, label, kind, gather, evidence, **options)
    _indicators.add(indicator)
    return indicator


def computed_indicators() -> dict[str, ComputedIndicator]:
    discover("indicators")
    return dict(_indicators.items)


def register_points_source(name: str, label: str, unit: str, amounts: Callable, **options) -> PointsSource:
    if len(name) > 30:
        raise RegistryError(f"“{name}”的代码超过 30 个字符")
    source = PointsSource(name, label, unit, amounts, **options)
    _points_sources.add(source)
    return source


def points_sources() -> dict[str, PointsSource]:
    discover("points")
    return dict(_points_sources.items)


def register_member_facts(name: str, label: str, facts: Callable) -> MemberFacts:
    item = MemberFacts(name, label, facts)
    _member_facts.add(item)
    return item


def member_facts() -> list[MemberFacts]:
    discover("points")
    return list(_member_facts.items.values())


def register_statistics(name: str, count: Callable, labels: Callable, records: Callable) -> StatisticsSource:
    if not name or ":" in name or "@" in name:
        raise RegistryError(f"统计来源“{name}”的名称不能为空，也不能含“:”或“@”")
    source = StatisticsSource(name, count, labels, records)
    _statistics.add(source)
    return source


def statistics_sources() -> list[StatisticsSource]:
    discover("statsources")
    return list(_statistics.items.values())


def statistics_source_of(key: str) -> StatisticsSource | None:
    """The registered source whose figures include ``key`` (by the part before the first ":")."""
    name = key.partition(":")[0]
    return next((s for s in statistics_sources() if s.name == name), None)


def demo_steps() -> list[DemoStep]:
    discover("demo")
    return ordered(_demo.items.values())


def bench_steps() -> list[BenchStep]:
    discover("bench")
    return ordered(_bench.items.values())


def panels() -> list[Panel]:
    discover("panels")
    return sorted(_panels.items.values(), key=lambda p: p.order)


def dashboard_panels() -> list[DashboardPanel]:
    discover("dashboards")
    return sorted(_dashboards.items.values(), key=lambda p: p.order)


def ordered(steps: Iterable) -> list:
    """The steps in registration order, each moved after the steps it names in ``after``.
    A name that is not registered, or a circle of ``after``, is an error, not a silent skip."""
    pending = list(steps)
    known = {s.name for s in pending}
    for step in pending:
        missing = [n for n in step.after if n not in known]
        if missing:
            raise RegistryError(f"“{step.name}”依赖未登记的步骤：{'、'.join(missing)}")
    done: list = []
    placed: set[str] = set()
    while pending:
        ready = next((s for s in pending if all(n in placed for n in s.after)), None)
        if ready is None:
            raise RegistryError(f"步骤的依赖成环：{'、'.join(s.name for s in pending)}")
        pending.remove(ready)
        done.append(ready)
        placed.add(ready.name)
    return done


def with_prerequisites(steps: list, wanted: Iterable[str]) -> list:
    """``steps`` (already ordered) cut down to ``wanted`` and everything they come after."""
    by_name = {s.name: s for s in steps}
    keep: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo.extend(by_name[name].after)
    return [s for s in steps if s.name in keep]
