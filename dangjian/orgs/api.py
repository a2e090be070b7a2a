"""The organisation API. Every lookup goes through ``restrict``: an id outside the user's scope is
404, so a guessed id says nothing about what exists; a visible row the user may not change is 403.

The lookup helpers here are shared with the member API."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from ninja import Query, Router, Status

from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import history_of
from dangjian.core.scoping import CHANGE, VIEW
from dangjian.core.shortcuts import get_scoped_or_404
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member

from . import actions
from .models import Organization
from .schemas import HistoryPage, OrgCreate, OrgDetail, OrgFilters, OrgPage, OrgPatch, PageQuery, page_of

router = Router(tags=["党组织"])



# -- lookups shared with the member API ----------------------------------------------------------

def readable_or_404(qs, user, pk: int):
    return get_scoped_or_404(qs.model, user, pk, VIEW, queryset=qs)


def writable_or_error(qs, user, pk: int):
    """The row if the user may change it; 403 if they may only view it; 404 if they may not see it."""
    obj = qs.restrict(user, CHANGE).filter(pk=pk).first()
    if obj is not None:
        return obj
    readable_or_404(qs, user, pk)
    raise ActionDenied("无权操作")


def referenced_org(user, *, pk: int | None, code: str | None, field: str) -> Organization:
    """An organisation named in a request body by id or by code, among those the user may view."""
    if pk is None and not code:
        raise ValidationError({field: f"请指定党组织（{field} 或 {field}_code）"})
    qs = Organization.objects.restrict(user, VIEW)
    org = qs.filter(pk=pk).first() if pk is not None else qs.filter(code=code).first()
    if org is None:
        raise Http404(f"党组织（{field}）不存在，或不在您的管辖范围内")
    return org


def reject_nulls(changes: dict, nullable: set[str]) -> None:
    """PATCH bodies may send null only to clear a field that can be empty."""
    bad = {k: "不能为空" for k, v in changes.items() if v is None and k not in nullable}
    if bad:
        raise ValidationError(bad)


def reselect(qs, user, pk: int):
    """After a write, inside its transaction: the row must still be within the user's scope."""
    obj = qs.restrict(user, VIEW).filter(pk=pk).first()
    if obj is None:
        raise ActionDenied("操作后记录将不在您的管辖范围内")
    return obj


def add_versions(exc: VersionConflict, model, pk: int, submitted: int) -> VersionConflict:
    exc.current["version"] = model.objects.filter(pk=pk).values_list("version", flat=True).first()
    exc.submitted["version"] = submitted
    return exc


# -- reads ---------------------------------------------------------------------------------------

def filter_orgs(qs, flt: OrgFilters):
    if flt.q.strip():
        text = flt.q.strip()
        qs = qs.filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(code__contains=text))
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.unit_category:
        qs = qs.filter(unit_category=flt.unit_category)
    if flt.parent is not None:
        qs = qs.filter(parent_id=flt.parent)
    if flt.within is not None:
        path = Organization.objects.filter(pk=flt.within).values_list("path", flat=True).first()
        qs = qs.filter(path__startswith=path) if path else qs.none()
    if flt.depth is not None:
        qs = qs.filter(depth=flt.depth)
    return qs


@router.get("/", response=OrgPage, summary="党组织列表")
def list_orgs(request, filters: Query[OrgFilters], page: Query[PageQuery]):
    """您管辖范围内的党组织，按组织树顺序。"""
    qs = filter_orgs(Organization.objects.restrict(request.user), filters).order_by("path")
    return page_of(qs, page)


def _member_counts(user, org: Organization) -> dict:
    members = Member.objects.restrict(user).filter(org__path__startswith=org.path, status=PartyStatus.NORMAL)
    return members.aggregate(members_subtree=Count("pk"), members_direct=Count("pk", filter=Q(org=org)))


def with_details(user, org: Organization) -> Organization:
    """``org`` with what the detail schema adds: member counts, children, the current term. Four queries."""
    for key, value in _member_counts(user, org).items():
        setattr(org, key, value)
    org.children_count = org.children.count()
    org.current_term = org.terms.filter(is_current=True).prefetch_related("posts__member").first()
    return org


@router.get("/{int:org_id}", response=OrgDetail, summary="党组织详情")
def get_org(request, org_id: int):
    org = readable_or_404(Organization.objects.select_related("parent"), request.user, org_id)
    return with_details(request.user, org)


@router.get("/{int:org_id}/history", response=HistoryPage, summary="党组织变更记录")
def org_history(request, org_id: int, page: Query[PageQuery]):
    org = readable_or_404(Organization.objects, request.user, org_id)
    return page_of(history_of(org), page)


# -- writes --------------------------------------------------------------------------------------

@router.post("/", response={201: OrgDetail}, summary="设立党组织")
def create_org(request, payload: OrgCreate):
    """在上级党组织（按 id 或代码指定）下设立党组织。需要对上级党组织有修改权限。"""
    parent = referenced_org(request.user, pk=payload.parent, code=payload.parent_code, field="parent")
    fields = payload.model_dump(exclude={"parent", "parent_code"})
    with transaction.atomic():
        org = actions.org_create(acting_user=request.user, parent=parent, **fields)
        org = reselect(Organization.objects.select_related("parent"), request.user, org.pk)
    return Status(201, with_details(request.user, org))


@router.patch("/{int:org_id}", response=OrgDetail, summary="修改党组织")
def update_org(request, org_id: int, payload: OrgPatch):
    """只修改提交的字段。`version` 必填：与当前版本不同时返回 409 和双方内容。"""
    org = writable_or_error(Organization.objects, request.user, org_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, nullable={"founded_on"})
    try:
        with transaction.atomic():
            org = actions.org_update(acting_user=request.user, org=org, expected_version=payload.version, **changes)
            org = reselect(Organization.objects.select_related("parent"), request.user, org.pk)
    except VersionConflict as exc:
        raise add_versions(exc, Organization, org_id, payload.version)
    return with_details(request.user, org)
