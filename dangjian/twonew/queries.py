"""Reads of the 两新 registry. Every one starts from ``restrict``; coverage and round progress are
set-based: a fixed number of queries grouped by organisation path (or field), whatever the size
of the subtree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from dangjian.campaigns.models import Target
from dangjian.core.scoping import VIEW, scope_prefixes
from dangjian.core.tree import ancestors_and_self
from dangjian.orgs.models import Organization

from . import rules
from .choices import Coverage
from .models import Centre, CentrePhoto, Check, Entity, Field, Round, Standard


def entities_for(user, action: str = VIEW) -> QuerySet[Entity]:
    return Entity.objects.restrict(user, action)


def filter_entities(qs: QuerySet[Entity], *, org: Organization | None = None, coverage: str = "",
                    field_id: int | None = None, text: str = "", unchecked_round: Round | None = None) -> QuerySet:
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if coverage == "uncovered":
        qs = qs.filter(coverage=Coverage.NONE)
    elif coverage in Coverage.values:
        qs = qs.filter(coverage=coverage)
    if field_id:
        qs = qs.filter(field_id=field_id)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(credit_code__icontains=text.upper()))
    if unchecked_round is not None:
        qs = qs.filter(org__path__startswith=unchecked_round.org.path).exclude(checks__round=unchecked_round)
    return qs


@dataclass
class CoverageRow:
    org_id: int | None
    name: str
    path: str
    level: int
    counts: rules.CoverageCounts = field(default_factory=rules.CoverageCounts)
    children: int = 0


def _grouped(qs: QuerySet[Entity], key: str):
    return (qs.order_by().values(key, "coverage").annotate(n=Count("pk"), members=Sum("party_members"))
            .values_list(key, "coverage", "n", "members"))


def coverage_by_org(user, root: Organization, *, depth: int = 1) -> list[CoverageRow]:
    """组织覆盖率 and 工作覆盖率 for ``root`` and the organisations ``depth`` levels below it, each
    counting its whole subtree. Two queries: the organisations shown; the entries grouped by the
    path of their organisation and by coverage."""
    orgs = (Organization.objects.restrict(user).filter(path__startswith=root.path, depth__lte=root.depth + depth)
            .annotate(n_children=Count("children")).order_by("path")
            .values_list("id", "name", "short_name", "path", "depth", "n_children"))
    rows = {path: CoverageRow(pk, short or name, path, d - root.depth, children=n)
            for pk, name, short, path, d, n in orgs}
    qs = entities_for(user).filter(org__path__startswith=root.path)
    for path, coverage, n, members in _grouped(qs, "org__path"):
        for prefix in ancestors_and_self(path, from_length=len(root.path)):
            row = rows.get(prefix)
            if row is not None:
                row.counts.add(coverage, n, members or 0)
    return list(rows.values())


def coverage_by_field(user, root: Organization) -> list[CoverageRow]:
    """The same rates per field, over ``root``'s subtree: one query plus the list of fields."""
    names = dict(Field.objects.values_list("id", "name"))
    rows: dict[int, CoverageRow] = {}
    qs = entities_for(user).filter(org__path__startswith=root.path)
    for field_id, coverage, n, members in _grouped(qs, "field_id"):
        row = rows.setdefault(field_id, CoverageRow(field_id, names.get(field_id, "—"), "", 0))
        row.counts.add(coverage, n, members or 0)
    order = list(names)
    return sorted(rows.values(), key=lambda r: order.index(r.org_id) if r.org_id in order else len(order))


def rounds_for(user) -> QuerySet[Round]:
    """Rounds launched in the user's scope, and those launched above it: a township takes part in
    the county's round (it sees and confirms only its own entries)."""
    prefixes = scope_prefixes(user, VIEW)
    if not prefixes:
        return Round.objects.none()
    above = {a for p in prefixes for a in ancestors_and_self(p)}
    within = Q(pk__in=Round.objects.restrict(user).values("pk"))
    return Round.objects.filter(Q(org__path__in=above) | within).select_related("org")


def round_progress(user, rnd: Round, *, depth: int = 1) -> list[tuple[CoverageRow, rules.RoundProgress]]:
    """Per organisation below the round's (within the user's scope): entries in its subtree, and
    how many of them were confirmed in this round. Three queries."""
    base = Organization.objects.restrict(user).filter(path__startswith=rnd.org.path)
    orgs = (base.filter(depth__lte=rnd.org.depth + depth).annotate(n_children=Count("children")).order_by("path")
            .values_list("id", "name", "short_name", "path", "depth", "n_children"))
    rows = {path: [CoverageRow(pk, short or name, path, d - rnd.org.depth, children=n), 0, 0]
            for pk, name, short, path, d, n in orgs}
    entities = entities_for(user).filter(org__path__startswith=rnd.org.path)
    totals = entities.order_by().values("org__path").annotate(n=Count("pk")).values_list("org__path", "n")
    checked = (Check.objects.restrict(user).filter(round=rnd).order_by().values("entity__org__path")
               .annotate(n=Count("pk")).values_list("entity__org__path", "n"))
    for slot, grouped in ((1, totals), (2, checked)):
        for path, n in grouped:
            for prefix in ancestors_and_self(path, from_length=len(rnd.org.path)):
                if prefix in rows:
                    rows[prefix][slot] += n
    return [(row, rules.RoundProgress(total, done)) for row, total, done in rows.values()]


def centres_for(user, action: str = VIEW) -> QuerySet[Centre]:
    return Centre.objects.restrict(user, action).select_related("org").prefetch_related("standards")


def centre_photos(user, centre: Centre) -> QuerySet[CentrePhoto]:
    return CentrePhoto.objects.restrict(user).filter(centre=centre).order_by("id")


@dataclass(frozen=True)
class Inspection:
    """The latest visit of a 督查 marked 检查阵地 to an organisation: its 阵地 count as inspected then."""

    on: object  # date
    title: str
    problems: int

    @property
    def text(self) -> str:
        found = f"发现问题 {self.problems} 条" if self.problems else "未发现问题"
        return f"{self.on:%Y-%m-%d} 《{self.title}》{found}"


def campaign_inspections(org_ids) -> dict[int, Inspection]:
    """Organisation id → the latest recorded visit of a campaign that checks 阵地 (one query). Only
    visits already recorded are read, so a 随机暗访 still hidden from its target reveals nothing."""
    rows = (Target.objects.filter(org_id__in=set(org_ids), campaign__checks_centres=True, visited_at__isnull=False)
            .annotate(problems=Count("findings", filter=Q(findings__is_problem=True)))
            .order_by("org_id", "-visited_at").values_list("org_id", "visited_at", "campaign__title", "problems"))
    latest: dict[int, Inspection] = {}
    for org_id, visited_at, title, problems in rows:
        latest.setdefault(org_id, Inspection(timezone.localdate(visited_at), title, problems))
    return latest


def with_inspections(centres) -> list:
    """The centres (a page of them), each with ``campaign_check``: the latest campaign visit to its
    organisation when that is more recent than the inspection entered by hand, else None."""
    centres = list(centres)
    found = campaign_inspections(c.org_id for c in centres)
    for centre in centres:
        visit = found.get(centre.org_id)
        newer = visit is not None and (centre.inspected_on is None or visit.on >= centre.inspected_on)
        centre.campaign_check = visit if newer else None
    return centres


@dataclass
class CentreRow:
    org_id: int
    name: str
    level: int
    orgs: int = 0  # organisations in the subtree
    with_centre: int = 0  # of them, with at least one 阵地
    fully_met: int = 0  # 阵地 meeting every active standard
    centres: int = 0

    @property
    def rate(self) -> float | None:
        return rules.rate(self.with_centre, self.orgs)


def centre_coverage(user, root: Organization, *, depth: int = 1) -> list[CentreRow]:
    """Per organisation below ``root``: how many organisations of its subtree have a 阵地, and how
    many 阵地 meet every active standard. Four queries."""
    base = Organization.objects.restrict(user).filter(path__startswith=root.path)
    shown = base.filter(depth__lte=root.depth + depth).order_by("path").values_list("id", "name", "short_name",
                                                                                      "path", "depth")
    rows = {path: CentreRow(pk, short or name, d - root.depth) for pk, name, short, path, d in shown}
    required = Standard.objects.filter(active=True).count()
    centres = (centres_for(user).filter(org__path__startswith=root.path).order_by()
               .annotate(met=Count("standards", filter=Q(standards__active=True)))
               .values_list("org__path", "met"))
    with_centre: set[str] = set()
    for path, met in centres:
        with_centre.add(path)
        for prefix in ancestors_and_self(path, from_length=len(root.path)):
            if prefix in rows:
                rows[prefix].centres += 1
                rows[prefix].fully_met += int(met >= required)
    for path in base.values_list("path", flat=True):
        for prefix in ancestors_and_self(path, from_length=len(root.path)):
            if prefix in rows:
                rows[prefix].orgs += 1
                rows[prefix].with_centre += int(path in with_centre)
    return list(rows.values())
