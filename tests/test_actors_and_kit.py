"""The kit every app shares: the system actor, the one scope guard, ``scope_root`` and the API's
``write_in_scope``. Across apps, so it lives beside the other cross-app tests."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts import actions as accounts
from dangjian.accounts.queries import scope_root
from dangjian.administration import actions as administration
from dangjian.apikit import write_in_scope
from dangjian.core.actors import SYSTEM
from dangjian.core.errors import ActionDenied, VersionConflict
from dangjian.core.history import history_of, record_change
from dangjian.core.models import ChangeRecord
from dangjian.core.scoping import CHANGE, require
from dangjian.members import actions as members
from dangjian.members.io.importing import import_members
from dangjian.members.selfservice import actions as self_actions
from dangjian.members.selfservice import member_accounts
from dangjian.orglife import actions as orglife
from dangjian.orgs import actions as orgs
from dangjian.orgs.importing import import_orgs
from dangjian.orgs.models import Organization
from dangjian.testing import make_user
from dangjian.worklists import actions as worklists
from dangjian.worklists.testing import make_item

HELD = timezone.make_aware(dt.datetime(2026, 3, 5, 9))


def _meeting(t):
    return orglife.meeting_record(acting_user=SYSTEM, org=t.a, types=["theme_day"], title="主题党日", held_at=HELD)


def _nothing(t):
    return None


# Each app's writes, called with acting_user=None: (what the action needs, made by the system
# beforehand; the call).
FORGOTTEN = {
    "orgs.org_create": (_nothing, lambda t, _: orgs.org_create(acting_user=None, parent=t.a, name="新组", code="N1",
                                                                kind="group")),
    "orgs.org_create(root)": (_nothing, lambda t, _: orgs.org_create(acting_user=None, parent=None, name="根",
                                                                      code="R1", kind="committee")),
    "orgs.org_update": (_nothing, lambda t, _: orgs.org_update(acting_user=None, org=t.a, name="改名")),
    "orgs.org_move": (_nothing, lambda t, _: orgs.org_move(acting_user=None, org=t.a, new_parent=t.town2)),
    "orgs.term_start": (_nothing, lambda t, _: orgs.term_start(acting_user=None, org=t.a,
                                                                started_on=dt.date(2026, 1, 1))),
    "orgs.import_orgs": (_nothing, lambda t, _: import_orgs(acting_user=None, source=io.BytesIO(b""))),
    "members.member_update": (_nothing, lambda t, _: members.member_update(
        acting_user=None, member=t.members["a"][0], name="改名")),
    "members.member_transfer": (_nothing, lambda t, _: members.member_transfer(
        acting_user=None, member=t.members["a"][0], to_org=t.b, transferred_on=dt.date(2026, 1, 1))),
    "members.member_account_create": (_nothing, lambda t, _: member_accounts.member_account_create(
        acting_user=None, member=t.members["a"][0], username="someone")),
    "members.correction_submit": (_nothing, lambda t, _: self_actions.correction_submit(
        acting_user=None, field="phone", proposed="13900001111", reason="换号")),
    "members.import_members": (_nothing, lambda t, _: import_members(acting_user=None, source=io.BytesIO(b""))),
    "orglife.meeting_record": (_nothing, lambda t, _: orglife.meeting_record(
        acting_user=None, org=t.a, types=["theme_day"], title="主题党日", held_at=HELD)),
    "orglife.meeting_update": (_meeting, lambda t, m: orglife.meeting_update(acting_user=None, meeting=m, title="改")),
    "orglife.attachment_add": (_meeting, lambda t, m: orglife.attachment_add(
        acting_user=None, meeting=m, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))),
    "orglife.custom_type_add": (_nothing, lambda t, _: orglife.custom_type_add(acting_user=None, org=t.a,
                                                                                name="读书会")),
    "worklists.item_create": (_nothing, lambda t, _: worklists.item_create(acting_user=None, org=t.a, kind="problem",
                                                                            title="问题")),
    "worklists.item_update": (lambda t: make_item(t.a, "问题"), lambda t, i: worklists.item_update(
        acting_user=None, item=i, title="改")),
    "worklists.item_claim": (lambda t: make_item(t.a, "问题"), lambda t, i: worklists.item_claim(
        acting_user=None, item=i)),
    "worklists.progress_add": (lambda t: make_item(t.a, "问题"), lambda t, i: worklists.progress_add(
        acting_user=None, item=i, text="进展")),
    "worklists.document_create": (_nothing, lambda t, _: worklists.document_create(acting_user=None, org=t.a,
                                                                                    title="文件")),
    "accounts.position_grant": (lambda t: make_user("x"), lambda t, u: accounts.position_grant(
        acting_user=None, user=u, org=t.a, role="secretary")),
    "accounts.user_create": (_nothing, lambda t, _: accounts.user_create(acting_user=None, username="x",
                                                                          password="Pass-2026-x!")),
    "accounts.api_token_issue": (_nothing, lambda t, _: accounts.api_token_issue(acting_user=None, user=t.secretary_a,
                                                                                  name="t")),
    "administration.account_create": (_nothing, lambda t, _: administration.account_create(acting_user=None,
                                                                                            username="x")),
}


@pytest.mark.parametrize(("prepare", "call"), FORGOTTEN.values(), ids=FORGOTTEN.keys())
def test_an_action_called_without_an_acting_user_raises_and_writes_nothing(tree, prepare, call):
    target = prepare(tree)
    records, orgs_before = ChangeRecord.objects.count(), Organization.objects.count()
    with pytest.raises(TypeError, match="acting_user is None"):
        call(tree, target)
    assert ChangeRecord.objects.count() == records
    assert Organization.objects.count() == orgs_before


def test_the_system_is_audited_as_the_system_and_a_nameless_actor_is_not(tree):
    org = orgs.org_create(acting_user=SYSTEM, parent=None, name="另一县委", code="R2", kind="committee")
    record = history_of(org).get()
    assert record.actor is None and record.actor_name == "系统"
    unknown = record_change(actor=None, action="org_update", obj=org)
    assert unknown.actor is None and unknown.actor_name == "未知"


def test_only_the_system_may_create_a_top_organisation(tree):
    with pytest.raises(ActionDenied, match="只有系统初始化"):
        orgs.org_create(acting_user=tree.county_admin, parent=None, name="根", code="R3", kind="committee")
    assert not Organization.objects.filter(code="R3").exists()


def test_require_lets_the_system_through_and_names_the_refusal(tree):
    require(SYSTEM, CHANGE, tree.c, message="无权")
    require(tree.secretary_a, CHANGE, tree.a, message="无权")
    with pytest.raises(ActionDenied, match="无权修改乙"):
        require(tree.secretary_a, CHANGE, tree.b.path, message="无权修改乙")
    with pytest.raises(ActionDenied):
        require(tree.reader_town1, CHANGE, tree.a)  # may view, not change
    with pytest.raises(TypeError):
        require(None, CHANGE, tree.a)


def test_scope_root_is_the_top_of_the_users_scope(tree):
    assert scope_root(tree.county_admin) == tree.county
    assert scope_root(tree.reader_town1) == tree.town1
    assert scope_root(tree.reader_town1, CHANGE) is None
    assert scope_root(make_user("nobody")) is None


def test_write_in_scope_refuses_and_undoes_a_write_that_leaves_the_users_scope(tree):
    def create_outside():
        return orgs.org_create(acting_user=SYSTEM, parent=tree.b, name="乙下党小组", code="B-G1", kind="group")

    with pytest.raises(ActionDenied, match="不在您的管辖范围内"):
        write_in_scope(tree.secretary_a, Organization.objects, create_outside)
    assert not Organization.objects.filter(code="B-G1").exists()


def test_write_in_scope_returns_the_row_reread_through_the_given_queryset(tree):
    org = write_in_scope(tree.secretary_a, Organization.objects.select_related("parent"), lambda: orgs.org_create(
        acting_user=tree.secretary_a, parent=tree.a, name="甲下党小组", code="A-G1", kind="group"))
    assert org.code == "A-G1" and "parent" in org._state.fields_cache


def test_write_in_scope_gives_a_version_conflict_both_version_numbers(tree):
    orgs.org_update(acting_user=SYSTEM, org=tree.a, name="先改")
    with pytest.raises(VersionConflict) as caught:
        write_in_scope(tree.secretary_a, Organization.objects, lambda: orgs.org_update(
            acting_user=tree.secretary_a, org=tree.a, expected_version=1, name="后改"), pk=tree.a.pk,
            expected_version=1)
    assert caught.value.current["version"] == 2 and caught.value.submitted["version"] == 1
    assert Organization.objects.get(pk=tree.a.pk).name == "先改"


def test_the_openapi_schema_documents_the_error_answers(client):
    operations = client.get("/api/openapi.json").json()["paths"]
    patch = operations["/api/orgs/{org_id}"]["patch"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(patch)
    conflict = patch["409"]["content"]["application/json"]["schema"]
    assert conflict["$ref"].endswith("/ConflictOut")
    created = operations["/api/members/"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(created)


def test_a_path_under_the_api_that_matches_no_operation_answers_the_apis_json_404(client, tree):
    client.force_login(tree.county_admin)
    response = client.get("/api/orgs/null,null")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "接口地址" in response.json()["detail"]
