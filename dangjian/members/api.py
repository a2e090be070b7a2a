"""The member API: the list page's filters, the same actions as the pages, masked sensitive values.

Lookups and writes go through the API kit (``dangjian.apikit``): outside the scope is 404, a member
the user may see but not change is 403."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status

from dangjian.apikit import (
    MAX_ID,
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
from dangjian.core import ratelimit
from dangjian.core.history import history_of
from dangjian.core.idnumbers import birth_date_of, gender_of, id_number_error, normalise
from dangjian.orgs.queries import referenced_org

from . import actions
from .choices import PartyStatus
from .models import Member, Transfer
from .queries import MemberFilter, filter_members, is_private_term, member_of, member_search, members_for
from .schemas import (
    MemberCreate,
    MemberFilters,
    MemberOut,
    MemberPage,
    MemberPatch,
    MemberSearch,
    TransferIn,
    TransferOut,
)

router = Router(tags=["党员"])

# Fields that may be empty: null in a PATCH clears them.
BLANK_TEXT = {"phone", "education", "category", "work_unit", "job_title", "address", "flow_status", "flow_place",
              "report_community"}
NULL_DATES = {"confirmed_on", "lost_contact_since"}


def member_filter(filters: MemberFilters) -> MemberFilter:
    """The page's filter object; a parameter not sent keeps its "no filter" default."""
    flt = MemberFilter()
    for key, value in filters.model_dump().items():
        if value is not None:
            setattr(flt, key, value)
    return flt


def _members():
    return Member.objects.select_related("org")


LISTED = [name for name in MemberOut.model_fields if name != "org"]
ORG_REF = {"org__id": "id", "org__code": "code", "org__name": "name"}


def member_page(qs, page: PageQuery) -> dict:
    """``page_of`` over plain rows of exactly what MemberOut shows: building a Member and an
    Organization object for each of the page's rows cost as much as the query (a city user's page)."""
    result = page_of(qs.values(*LISTED, *ORG_REF), page)
    for row in result["items"]:
        row["org"] = {name: row.pop(key) for key, name in ORG_REF.items()}
    return result


@router.get("/", response=responses(MemberPage, errors=(401, 422)), summary="党员列表")
def list_members(request, filters: Query[MemberFilters], page: Query[PageQuery]):
    """您管辖范围内的党员，筛选条件与党员名册页面相同。公民身份号码和手机号码只返回脱敏形式。
    按完整公民身份号码或手机号码查找请用 `POST /api/members/search`（号码不能出现在网址中）。"""
    if is_private_term(filters.q):
        raise ValidationError({"q": "公民身份号码和手机号码不能放在网址中（会留在访问日志里），"
                                    "请改用 POST /api/members/search，在请求体中提交 q"})
    qs = filter_members(members_for(request.user), member_filter(filters)).order_by("org__path", "name", "id")
    return member_page(qs, page)


@router.post("/search", response=responses(MemberPage, errors=(401, 422)), summary="查找党员（条件在请求体中）")
def search_members(request, payload: MemberSearch):
    """与党员列表相同的筛选和分页，条件放在 JSON 请求体中：按完整公民身份号码或手机号码查找时使用。
    按号码查找有频率限制（每个用户、每个来源地址分别计数），超过时返回 429。"""
    if is_private_term(payload.q):
        ratelimit.check("id_lookup", user=request.user)
    filters = MemberFilters(**payload.model_dump(exclude={"limit", "offset", "count"}))
    qs = filter_members(members_for(request.user), member_filter(filters)).order_by("org__path", "name", "id")
    return member_page(qs, PageQuery(limit=payload.limit, offset=payload.offset, count=payload.count))


def member_choice(member: Member) -> dict:
    return {"id": member.pk, "label": f"{member.name}（{member.org.display_name}）"}


@router.get("/picker", response=responses(PickerOut, errors=(401, 422)), summary="查找党员（选择框）",
            url_name="member_picker")
def pick_members(request, query: Query[PickerQuery], within: int | None = Query(None, ge=1, le=MAX_ID),
                 normal: bool = False):
    """选择框输入时的查找：姓名包含输入文字的党员（也可输入党员编号，或完整的公民身份号码、手机号码）。
    `within`：只列该党组织及其下级的党员；`normal=true`：只列党籍状态正常的党员。"""
    qs = members_for(request.user)
    if within is not None:
        path = referenced_org(request.user, pk=within, code=None, field="within").path
        qs = qs.filter(org__path__startswith=path)
    if normal:
        qs = qs.filter(status=PartyStatus.NORMAL)
    return {"items": [member_choice(m) for m in member_search(qs, query.q, limit=query.limit)]}


@router.get("/me", response=responses(MemberOut, errors=(401, 404)), summary="本人党员信息")
def my_member(request):
    """与当前登录账号关联的党员本人信息（脱敏）。未关联时返回 404。"""
    member = member_of(request.user)
    if member is None:
        raise Http404("您的账号未关联党员信息")
    return member


@router.get("/{int:member_id}", response=responses(MemberOut), summary="党员详情")
def get_member(request, member_id: int):
    return readable_or_404(_members(), request.user, member_id)


@router.get("/{int:member_id}/history", response=responses(HistoryPage), summary="党员变更记录")
def member_history(request, member_id: int, page: Query[PageQuery]):
    member = readable_or_404(Member.objects, request.user, member_id)
    return page_of(history_of(member), page)


def _fill_from_id_number(fields: dict) -> None:
    """Birth date and gender, when not sent, are read from a valid ID number."""
    value = normalise(fields["id_number"])
    if id_number_error(value) is not None:
        return
    if fields.get("birth_date") is None:
        fields["birth_date"] = birth_date_of(value)
    if fields.get("gender") is None:
        fields["gender"] = gender_of(value)


def _blank_for_null(fields: dict) -> dict:
    return {k: ("" if v is None and k in BLANK_TEXT else v) for k, v in fields.items()}


@router.post("/", response=responses(MemberOut, status=201, errors=WRITE_ERRORS), summary="登记党员")
def create_member(request, payload: MemberCreate):
    """在所在党组织（按 id 或代码指定）登记党员。校验公民身份号码、出生日期、性别、入党年龄等。
    有频率限制（与按号码查找共用），超过时返回 429。"""
    ratelimit.check("id_lookup", user=request.user)
    org = referenced_org(request.user, pk=payload.org, code=payload.org_code, field="org")
    fields = _blank_for_null(payload.model_dump(exclude={"org", "org_code"}))
    _fill_from_id_number(fields)
    member = write_in_scope(request.user, _members(),
                            lambda: actions.member_create(acting_user=request.user, org=org, **fields))
    return Status(201, member)


@router.patch("/{int:member_id}", response=responses(MemberOut, errors=WRITE_ERRORS), summary="修改党员信息")
def update_member(request, member_id: int, payload: MemberPatch):
    """只修改提交的字段。`version` 必填：与当前版本不同时返回 409 和双方内容。"""
    member = writable_or_403(_members(), request.user, member_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    reject_nulls(changes, nullable=BLANK_TEXT | NULL_DATES)
    if changes.get("id_number"):
        ratelimit.check("id_lookup", user=request.user)
    return write_in_scope(
        request.user, _members(),
        lambda: actions.member_update(acting_user=request.user, member=member, expected_version=payload.version,
                                      **_blank_for_null(changes)),
        pk=member_id, expected_version=payload.version,
    )


@router.post("/{int:member_id}/transfer", response=responses(TransferOut, status=201, errors=WRITE_ERRORS),
             summary="组织关系转接")
def transfer_member(request, member_id: int, payload: TransferIn):
    """把党员转到另一个党组织。转出和转入党组织都须在您的修改权限范围内。"""
    member = writable_or_403(_members(), request.user, member_id)
    to_org = referenced_org(request.user, pk=payload.to_org, code=payload.to_org_code, field="to_org")
    transfers = []

    def transfer():
        transfers.append(actions.member_transfer(
            acting_user=request.user, member=member, to_org=to_org,
            transferred_on=payload.transferred_on, reason=payload.reason,
        ))

    write_in_scope(request.user, Member.objects, transfer, pk=member_id)  # the member must stay in reach
    return Status(201, Transfer.objects.select_related("member", "from_org", "to_org").get(pk=transfers[0].pk))
