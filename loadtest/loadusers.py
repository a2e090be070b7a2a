"""The load users: accounts in real positions of the demo tree, each with a branch of its own to
write to, so that concurrent writes land on different records (no version conflicts by design).

Runs inside the driver after ``django.setup()``; writes a JSON file the locustfile reads.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.actions import api_token_issue, position_grant, user_create
from dangjian.accounts.choices import Role
from dangjian.accounts.models import PasswordState
from dangjian.core.actors import SYSTEM
from dangjian.members.models import Member
from dangjian.orglife.queries import roster
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from dangjian.worklists.choices import State
from dangjian.worklists.models import WorkItem

PREFIX = "load-"
MIN_ROSTER = 5
SAMPLE = 40


@dataclass
class LoadAccount:
    username: str
    password: str
    token: str
    kind: str  # "secretary" | "town" | "county"
    scope_org: int  # the position's organisation
    branch: int  # where this account writes: meetings, work items, member edits
    roster: list[int] = field(default_factory=list)  # normal members of the branch (attendance, edits)
    items: list[int] = field(default_factory=list)  # open work items of the branch (progress)
    read_orgs: list[int] = field(default_factory=list)  # organisations in scope, for detail pages
    read_members: list[int] = field(default_factory=list)  # members in scope, for detail pages


def mix(users: int) -> dict[str, int]:
    """About 70 % branch secretaries, 20 % town (乡镇) administrators, 10 % county administrators."""
    county = max(1, round(users * 0.1))
    town = max(1, round(users * 0.2)) if users > 2 else 0
    return {"county": county, "town": town, "secretary": max(0, users - county - town)}


def _branches_by_town(root: Organization) -> dict[int, list[Organization]]:
    """The branches, grouped by the town (depth-2 organisation) they lie in."""
    towns = {o.path: o.pk for o in Organization.objects.filter(parent=root)}
    grouped: dict[int, list[Organization]] = {pk: [] for pk in towns.values()}
    for branch in Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).order_by("path"):
        town = next((pk for path, pk in towns.items() if branch.path.startswith(path)), None)
        if town is not None:
            grouped[town].append(branch)
    return grouped


def _round_robin(grouped: dict[int, list[Organization]]):
    queues = [list(v) for v in grouped.values() if v]
    while any(queues):
        for queue in queues:
            if queue:
                yield queue.pop(0)


def _pick_branches(root: Organization, needed: int) -> list[tuple[Organization, list[int]]]:
    picked = []
    for branch in _round_robin(_branches_by_town(root)):
        ids = list(roster(branch).values_list("pk", flat=True))
        if len(ids) >= MIN_ROSTER:
            picked.append((branch, ids))
        if len(picked) == needed:
            return picked
    raise RuntimeError(f"演示数据中人数不少于 {MIN_ROSTER} 人的党支部不足 {needed} 个：请用更大的规模或更少的用户")


def _town_of(branch: Organization, root: Organization) -> Organization:
    return next(t for t in Organization.objects.filter(parent=root) if branch.path.startswith(t.path))


def _sample(values: list[int], n: int = SAMPLE) -> list[int]:
    if len(values) <= n:
        return values
    step = len(values) / n
    return [values[int(i * step)] for i in range(n)]


def _reads(scope: Organization) -> tuple[list[int], list[int]]:
    orgs = list(Organization.objects.filter(path__startswith=scope.path).order_by("path").values_list("pk", flat=True))
    members = list(Member.objects.filter(org__path__startswith=scope.path).order_by("id").values_list("pk", flat=True))
    return _sample(orgs), _sample(members)


def _open_items(branch: Organization) -> list[int]:
    open_items = WorkItem.objects.filter(org=branch).exclude(state=State.CLOSED).order_by("id")
    return list(open_items.values_list("pk", flat=True)[:10])


@transaction.atomic
def create_accounts(users: int) -> list[LoadAccount]:
    """``users`` accounts named ``load-<kind>-NN``, each holding one position and writing to a branch
    that no other account writes to."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        raise RuntimeError("数据库中没有党组织：演示数据未生成")
    counts = mix(users)
    branches = _pick_branches(root, users)
    accounts = []
    for kind, n in counts.items():
        for i in range(1, n + 1):
            branch, ids = branches.pop(0)
            scope = {"county": root, "town": _town_of(branch, root), "secretary": branch}[kind]
            role = Role.SECRETARY if kind == "secretary" else Role.SUPERIOR_ADMIN
            username = f"{PREFIX}{kind}-{i:02d}"
            password = secrets.token_urlsafe(12) + "aA1!"
            user = user_create(acting_user=SYSTEM, username=username, password=password,
                               full_name=f"负载测试 {kind} {i}")
            # As for the demo accounts: the password is handed over with the account, no change forced.
            PasswordState.objects.update_or_create(user=user, defaults={"must_change": False,
                                                                        "changed_at": timezone.now()})
            position_grant(acting_user=SYSTEM, user=user, org=scope, role=role)
            token = api_token_issue(acting_user=SYSTEM, user=user, name="负载测试")
            read_orgs, read_members = _reads(scope)
            accounts.append(LoadAccount(
                username=username, password=password, token=token, kind=kind, scope_org=scope.pk,
                branch=branch.pk, roster=ids, items=_open_items(branch), read_orgs=read_orgs,
                read_members=read_members,
            ))
    return accounts


def as_json(accounts: list[LoadAccount]) -> list[dict]:
    return [asdict(a) for a in accounts]
