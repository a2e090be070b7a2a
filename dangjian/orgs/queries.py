"""Reads of the organisation tree for the pages and the API: tree rows, sub-organisations,
breadcrumbs, structure warnings, and (from ``stats``) the subtree statistics.

Set-based (docs/architecture.md「一个请求的流转」):
member counts come from one query grouped by organisation path and are
rolled up to every ancestor in Python, so a branch counts the members of its 党小组; the number of
queries never depends on the number of organisations.

Member counts here are of members whose 党籍状态 is "正常", like the statistics.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict, namedtuple
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from dangjian.core.scoping import VIEW, path_in_scope, scope_prefixes
from dangjian.core.tree import PATH_STEP
from dangjian.members.choices import MembershipType, PartyStatus
from dangjian.members.models import Member

from . import rules
from .choices import OrgKind, Post
from .models import Organization, Term
from .stats import SecretaryStats, SubtreeStatistics, members_under, needs_secretary, subtree_statistics, under

DEFAULT_TREE_DEPTH = 3  # levels shown by the tree page below (and including) each top organisation
KIND_LABELS = dict(OrgKind.choices)
NORMAL = Q(status=PartyStatus.NORMAL)
FULL = Q(membership_type=MembershipType.FULL)


def referenced_org(user, *, pk: int | None, code: str | None, field: str) -> Organization:
    """An organisation named in a request by id or by code, among those the user may view: a
    ValidationError on ``field`` when neither is given, 404 when it is not found in scope."""
    if pk is None and not code:
        raise ValidationError({field: f"请指定党组织（{field} 或 {field}_code）"})
    qs = Organization.objects.restrict(user, VIEW)
    org = qs.filter(pk=pk).first() if pk is not None else qs.filter(code=code).first()
    if org is None:
        raise Http404(f"党组织（{field}）不存在，或不在您的管辖范围内")
    return org


def org_search(qs, text: str, *, limit: int):
    """Organisations of ``qs`` whose name, short name or code contains ``text``, for a picker: an exact
    code first, then in tree order. Empty text lists the first organisations of the tree."""
    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(code__icontains=text))
    rows = list(qs.order_by("path")[:limit])
    rows.sort(key=lambda org: org.code.lower() != text.lower())
    return rows


# -- rolling member counts up the tree -------------------------------------------------------------

def roll_up(counts: dict[str, int]) -> Counter:
    """Counts per organisation path → counts per subtree (each count added to every ancestor), in
    one pass from the deepest level up: each path hands its total to its parent."""
    totals: Counter = Counter(counts)
    by_length: dict[int, set[str]] = defaultdict(set)
    for path in counts:
        by_length[len(path)].add(path)
    for length in range(max(by_length, default=0), PATH_STEP, -PATH_STEP):
        for path in by_length[length]:
            parent = path[:-PATH_STEP]
            totals[parent] += totals[path]
            by_length[length - PATH_STEP].add(parent)
    return totals


def _members_by_org(members, key: str = "org__path") -> tuple[dict, dict]:
    """(all, full) normal members per organisation ``key`` (its path, or ``org_id``: grouping by the
    integer is faster when the paths are at hand anyway), in one grouped query."""
    rows = (
        members.filter(NORMAL).values(key)
        .annotate(n=Count("pk"), full=Count("pk", filter=FULL)).order_by()
        .values_list(key, "n", "full")
    )
    everyone, full = {}, {}
    for org, n, n_full in rows:
        everyone[org] = n
        full[org] = n_full
    return everyone, full


# -- tree page -------------------------------------------------------------------------------------

@dataclass
class TreeRow:
    id: int
    name: str
    display_name: str  # short name if any
    code: str
    kind: str
    kind_label: str
    path: str
    depth: int  # absolute depth in the tree (the top organisation is 1)
    level: int  # indentation: 0 for the top organisation of the listing
    direct_members: int  # normal members recorded in this organisation itself
    subtree_members: int  # normal members in this organisation and everything below
    children_count: int  # sub-organisations, shown or not
    children_hidden: bool  # has sub-organisations that ``max_depth`` left out of the listing


def _tops(user, root: Organization | None) -> list[str]:
    """The paths the listing starts from: the user's scopes, narrowed to ``root`` if given."""
    prefixes = scope_prefixes(user, VIEW)
    if root is None:
        return prefixes
    if any(root.path.startswith(p) for p in prefixes):
        return [root.path]
    return [p for p in prefixes if p.startswith(root.path)]


def org_tree_rows(user, root: Organization | None = None, max_depth: int | None = DEFAULT_TREE_DEPTH
                  ) -> list[TreeRow]:
    """Organisations the user may view, ordered by path (so a template indents by ``level``), with
    member and children counts. ``max_depth`` counts levels from each top, the top included
    (1 = the tops alone, None = everything). Three queries, the first cached on the user."""
    tops = _tops(user, root)
    if not tops:
        return []
    top_depths = {top: len(top) // PATH_STEP for top in tops}
    members = members_under(tops, Member.objects.restrict(user))
    direct, _ = _members_by_org(members)
    subtree = roll_up(direct)
    rows = []
    for o in _tree_orgs(user, top_depths, max_depth):
        level = o["depth"] - next(d for t, d in top_depths.items() if o["path"].startswith(t))
        hidden = bool(o["children_count"]) and max_depth is not None and level + 1 >= max_depth
        rows.append(TreeRow(
            id=o["id"], name=o["name"], display_name=o["short_name"] or o["name"], code=o["code"],
            kind=o["kind"], kind_label=KIND_LABELS.get(o["kind"], o["kind"]), path=o["path"], depth=o["depth"],
            level=level,
            direct_members=direct.get(o["path"], 0), subtree_members=subtree[o["path"]],
            children_count=o["children_count"], children_hidden=hidden,
        ))
    return rows


def _tree_orgs(user, top_depths: dict[str, int], max_depth: int | None):
    within = reduce(or_, (_within(top, depth, max_depth) for top, depth in top_depths.items()))
    return (
        Organization.objects.restrict(user).filter(within)
        .annotate(children_count=Count("children")).order_by("path")
        .values("id", "name", "short_name", "code", "kind", "path", "depth", "children_count")
    )


def _within(top: str, top_depth: int, max_depth: int | None) -> Q:
    condition = Q(path__startswith=top)
    if max_depth is not None:
        condition &= Q(depth__lt=top_depth + max_depth)
    return condition


def children_of(user, org: Organization) -> list[TreeRow]:
    """The direct sub-organisations of ``org`` the user may view, with their counts (three queries)."""
    return [row for row in org_tree_rows(user, root=org, max_depth=2) if row.depth == org.depth + 1]


def breadcrumbs(user, org: Organization) -> list[tuple[str, int | None]]:
    """The ancestors of ``org``, top first, as (name, id); the id is None for those above the user's
    scope, which the page shows as plain text. ``org`` itself is not included. One query."""
    paths = org.ancestor_paths()
    if not paths:
        return []
    rows = Organization.objects.filter(path__in=paths).order_by("path").values("id", "name", "short_name", "path")
    return [(r["short_name"] or r["name"], r["id"] if path_in_scope(user, VIEW, r["path"]) else None) for r in rows]


# -- structure warnings ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OrgWarning:
    org_id: int
    org_name: str
    org_code: str
    org_path: str
    org_kind: str
    warning: rules.Warning

    @property
    def code(self) -> str:
        return self.warning.code

    @property
    def level(self) -> str:
        return self.warning.level

    @property
    def message(self) -> str:
        return self.warning.message

    @property
    def label(self) -> str:
        return rules.WARNING_LABELS.get(self.warning.code, self.warning.code)

    @property
    def depth(self) -> int:
        return len(self.org_path) // PATH_STEP


@dataclass(frozen=True)
class _TermFacts:
    ends_on: dt.date
    committee_size: int
    has_secretary: bool


def _current_terms(terms) -> dict[int, _TermFacts]:
    """Current terms by organisation id, with committee size and whether a 书记 is in post, in one
    grouped query. Posts held by members whose 党籍状态 is not 正常 are not counted."""
    held = Q(posts__member__status=PartyStatus.NORMAL)
    rows = (
        terms.filter(is_current=True).values("org_id", "ends_on")
        .annotate(size=Count("posts", filter=held),
                  secretaries=Count("posts", filter=held & Q(posts__post=Post.SECRETARY)))
        .order_by().values_list("org_id", "ends_on", "size", "secretaries")
    )
    return {org_id: _TermFacts(ends_on, size, secretaries > 0) for org_id, ends_on, size, secretaries in rows}


def _facts(org, full: int, everyone: int, term: _TermFacts | None) -> rules.OrgFacts:
    return rules.OrgFacts(
        kind=org.kind, unit_category=org.unit_category, full_members=full, all_members=everyone,
        committee_size=term.committee_size if term else 0, has_secretary=bool(term and term.has_secretary),
        has_current_term=term is not None, term_ends_on=term.ends_on if term else None,
    )


def _warnings_for(org, facts: rules.OrgFacts, today: dt.date) -> list[OrgWarning]:
    """``org``: anything with the attributes of _ORG_FIELDS (a model instance or a named row)."""
    return [
        OrgWarning(org.id, org.name, org.code, org.path, org.kind, w)
        for w in rules.structure_warnings(facts, today)
    ]


_ORG_FIELDS = ("id", "name", "code", "path", "kind", "unit_category")
_OrgRow = namedtuple("_OrgRow", _ORG_FIELDS)
_LEVEL_ORDER = {"danger": 0, "warning": 1}
_CODE_ORDER = {code: i for i, code in enumerate(rules.WARNING_LABELS)}


def _sorted(warnings: list[OrgWarning]) -> list[OrgWarning]:
    """Dangers first, then in tree order, then in the order of WARNING_LABELS."""
    return sorted(warnings, key=lambda w: (_LEVEL_ORDER.get(w.level, 9), w.org_path, _CODE_ORDER.get(w.code, 99)))


def subtree_warnings(org: Organization, *, today: dt.date | None = None) -> list[OrgWarning]:
    """Structure warnings of every organisation in the subtree of ``org``, dangers first. Three
    queries: the organisations, members grouped by organisation, current terms with their posts."""
    today = today or timezone.localdate()
    rows = org.subtree().order_by().values_list(*_ORG_FIELDS)
    path_of = {r[0]: r[3] for r in rows}
    everyone, full = _subtree_member_counts(path_of, members_under([org.path]))
    terms = _current_terms(Term.objects.filter(under([org.path])))
    out: list[OrgWarning] = []
    # Groups and households: no rule applies to them, so they are not even turned into facts.
    for o in (_OrgRow(*r) for r in rows if rules.has_committee(r[4])):
        out += _warnings_for(o, _facts(o, full[o.path], everyone[o.path], terms.get(o.id)), today)
    return _sorted(out)


def _subtree_member_counts(path_of: dict[int, str], members) -> tuple[Counter, Counter]:
    """(all, full) normal members in each organisation's subtree, by path."""
    everyone, full = _members_by_org(members, key="org_id")
    # An organisation created between the queries has no row here; its members wait for the next read.
    return (roll_up({path_of[i]: n for i, n in everyone.items() if i in path_of}),
            roll_up({path_of[i]: n for i, n in full.items() if i in path_of}))


def org_warnings(org: Organization, *, today: dt.date | None = None) -> list[OrgWarning]:
    """Structure warnings of ``org`` alone (its members include those of its 党小组): two queries."""
    today = today or timezone.localdate()
    counts = members_under([org.path]).filter(NORMAL).aggregate(
        n=Count("pk"), full=Count("pk", filter=FULL))
    term = _current_terms(Term.objects.filter(org=org)).get(org.pk)
    return _sorted(_warnings_for(org, _facts(org, counts["full"], counts["n"], term), today))


def warning_summary(warnings: list[OrgWarning]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every warning code present, in the order of WARNING_LABELS."""
    counts = Counter(w.code for w in warnings)
    return [(code, label, counts[code]) for code, label in rules.WARNING_LABELS.items() if counts[code]]


__all__ = [
    "OrgWarning", "SecretaryStats", "SubtreeStatistics", "TreeRow", "breadcrumbs", "children_of", "needs_secretary",
    "org_tree_rows", "org_warnings", "roll_up", "subtree_statistics", "subtree_warnings", "warning_summary",
]
