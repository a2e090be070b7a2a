"""The automatic indicators of a subtree take a number of queries that does not grow with the
number of organisations; the roll-up and the pages follow the scope."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.assessment import actions, queries
from dangjian.assessment.models import Grade
from dangjian.core.actors import SYSTEM
from dangjian.testing import make_member, make_org
from dangjian.worklists.testing import make_item

TODAY = dt.date(2026, 2, 10)


def _branches(parent, count: int, prefix: str):
    made = []
    for n in range(count):
        org = make_org(parent, f"{prefix}{n}党支部", f"{parent.code}-{prefix}{n:03d}")
        make_member(org)
        make_item(org, "事项", deadline=dt.date(2025, 5, 1))
        made.append(org)
    return made


def _count(root, ids) -> int:
    with CaptureQueriesContext(connection) as captured:
        facts = queries.gather_facts(root, 2025, ids, today=TODAY)
    assert set(facts) == set(ids)
    return len(captured)


def test_query_count_does_not_grow_with_the_organisations(tree):
    small = make_org(tree.county, "小镇党委", "C0001-08", "committee")
    large = make_org(tree.county, "大镇党委", "C0001-09", "committee")
    small_ids = [o.pk for o in _branches(small, 2, "S")]
    large_ids = [o.pk for o in _branches(large, 8, "L")]
    assert _count(small, small_ids) == _count(large, large_ids)


def test_rollup_by_child_and_scope(tree, login, client):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.county, year=2025)
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    roll = queries.rollup(scheme, tree.county_admin)
    assert roll["total"].count == 3
    assert [(name, r.count) for name, _p, r in roll["children"]] == [("东城镇党委", 2), ("西山镇党委", 1)]
    assert sum(roll["total"].grades.values()) == 3
    # the secretary of A sees A's grade and no other
    assert queries.rollup(scheme, tree.secretary_a)["total"].count == 1
    login(tree.secretary_a)
    grade_a = Grade.objects.get(scheme=scheme, org=tree.a)
    grade_c = Grade.objects.get(scheme=scheme, org=tree.c)
    page = client.get(f"/assessment/grade/{grade_a.pk}/")
    assert page.status_code == 200 and "失分多的在前" in page.content.decode()
    assert client.get(f"/assessment/grade/{grade_c.pk}/").status_code == 404
    assert client.get(f"/assessment/scheme/{scheme.pk}/").status_code == 200
    response = client.get(f"/assessment/scheme/{scheme.pk}/export/grades.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_the_town_sees_the_county_scheme_through_its_branches_and_decides_their_candidates(tree, login, client):
    from dangjian.testing import make_user

    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.county, year=2025)
    actions.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    actions.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=TODAY)
    town_admin = make_user("town1_admin", org=tree.town1, role="superior_admin")
    assert list(queries.schemes_assessing(town_admin)) == [scheme]
    login(town_admin)
    page = client.get(f"/assessment/scheme/{scheme.pk}/").content.decode()
    assert "东城镇新华社区党支部" in page and "西山镇卫生院党支部" not in page
    assert "确认并列入整顿" in page  # B (no 书记) is the town's to decide


def test_grade_names_and_thresholds_are_set_on_the_page(tree, login, client):
    scheme = actions.scheme_create(acting_user=SYSTEM, org=tree.county, year=2025)
    login(tree.county_admin)
    form = {"version": scheme.version, "bands": "优秀:85，良好:70，一般:50，差:0", "gate_percent": "",
            "top_share": "15", "vacant_months": "3", "compliance_below": "60", "lowest_grade": "on"}
    client.post(f"/assessment/scheme/{scheme.pk}/do/settings/", form)
    scheme.refresh_from_db()
    assert scheme.bands == [["优秀", 85], ["良好", 70], ["一般", 50], ["差", 0]]
    assert (scheme.gate_percent, scheme.top_share, scheme.backward["structure_warnings"]) == (None, 15, False)
    bad = client.post(f"/assessment/scheme/{scheme.pk}/do/settings/",
                      {**form, "version": scheme.version, "bands": "优秀:85，差:10"}, follow=True)
    assert "最低一档的分数下限应为 0" in bad.content.decode()
