"""The organisation API. Lookups and writes go through the API kit (``dangjian.apikit``): an id
outside the user's scope is 404, a visible row the user may not change is 403."""

from __future__ import annotations

from django.db.models import Count, Q
from ninja import Query, Router, Status

from dangjian.apikit import (
    WRITE_ERRORS,
    HistoryPage,
    PageQuery,
    PickerOut,
    PickerQuery,
    page_of,
    readable_or_404,
    reject_nulls,
    responses,
    writable_or_403,
    write_in_scope,
)
from dangjian.core.history import history_of
from dangjian.core.scoping import CHANGE, VIEW
from dangjian.members.choices import PartyStatus
from dangjian.members.models import Member

from . import actions
from .models import Organization
from .queries import org_search, referenced_org
from .schemas import OrgCreate, OrgDetail, OrgFilters, OrgPage, OrgPatch

router = Router(tags=["党组织"])


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


@router.get("/", response=responses(OrgPage, errors=(401, 422)), summary="党组织列表")
def list_orgs(request, filters: Query[OrgFilters], page: Query[PageQuery]):
    """您管辖范围内的党组织，按组织树顺序。"""
    qs = filter_orgs(Organization.objects.restrict(request.user), filters).order_by("path")
    return page_of(qs, page)


def org_choice(org: Organization) -> dict:
    return {"id": org.pk, "code": org.code, "label": org.name_with_code}


@router.get("/picker", response=responses(PickerOut, errors=(401, 422)), summary="查找党组织（选择框）",
            url_name="org_picker")
def pick_orgs(request, query: Query[PickerQuery], writable: bool = False):
    """选择框输入时的查找：名称、简称或组织代码包含输入文字的党组织，组织代码完全相同的排在最前。
    `writable=true` 时只列您有修改权限的党组织（填写责任单位、调整上级等）。"""
    qs = Organization.objects.restrict(request.user, CHANGE if writable else VIEW)
    return {"items": [org_choice(org) for org in org_search(qs, query.q, limit=query.limit)]}


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


@router.get("/{int:org_id}", response=responses(OrgDetail), summary="党组织详情")
def get_org(request, org_id: int):
    org = readable_or_404(Organization.objects.select_related("parent"), request.user, org_id)
    return with_details(request.user, org)


@router.get("/{int:org_id}/history", response=responses(HistoryPage), summary="党组织变更记录")
def org_history(request, org_id: int, page: Query[PageQuery]):
    org = readable_or_404(Organization.objects, request.user, org_id)
    return page_of(history_of(org), page)


# -- writes --------------------------------------------------------------------------------------

@router.post("/", response=responses(OrgDetail, status=201, errors=WRITE_ERRORS), summary="设立党组织")
def create_org(request, payload: OrgCreate):
    """在上级党组织（按 id 或代码指定）下设立党组织。需要对上级党组织有修改权限。"""
    parent = referenced_org(request.user, pk=payload.parent, code=payload.parent_code, field="parent")
    fields = payload.model_dump(exclude={"parent", "parent_code"})
    org = write_in_scope(request.user, Organization.objects.select_related("parent"),
                         lambda: actions.org_create(acting_user=request.user, parent=parent, **fields))
    return Status(201, with_details(request.user, org))


@router.patch("/{int:org_id}", response=responses(OrgDetail, errors=WRITE_ERRORS), summary="修改党组织")
def update_org(request, org_id: int, payload: OrgPatch):
    """只修改提交的字段。`version` 必填：与当前版本不同时返回 409 和双方内容。"""
    org = writable_or_403(Organization.objects, request.user, org_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, nullable={"founded_on"})
    org = write_in_scope(
        request.user, Organization.objects.select_related("parent"),
        lambda: actions.org_update(acting_user=request.user, org=org, expected_version=payload.version, **changes),
        pk=org_id, expected_version=payload.version,
    )
    return with_details(request.user, org)
