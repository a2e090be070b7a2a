"""The data migration turning the old 报到社区 text into reports."""

import importlib

from django.apps import apps

from dangjian.community.models import CommunityReport
from dangjian.members.models import Member
from dangjian.testing import make_member

migration = importlib.import_module("dangjian.community.migrations.0002_reports_from_text")


def test_texts_naming_one_community_become_reports_others_stay(tree, capsys):
    named = make_member(tree.c, retired=True, report_community="东城镇新华社区")  # name without 党支部
    full = make_member(tree.c, report_community="东城镇红星村党支部")
    unknown = make_member(tree.c, report_community="不存在的社区")
    own = make_member(tree.b, report_community="东城镇新华社区党支部")  # its own branch: left
    migration.forwards(apps, None)
    reports = {r.member_id: r for r in CommunityReport.objects.all()}
    assert set(reports) == {named.pk, full.pk}
    assert reports[named.pk].community_id == tree.b.pk and reports[named.pk].kind == "retired"
    assert reports[full.pk].community_id == tree.a.pk and reports[full.pk].status == "accepted"
    assert "转为报到 2 条，未匹配而保留 2 条" in capsys.readouterr().out
    assert Member.objects.get(pk=unknown.pk).report_community == "不存在的社区"
    assert own.pk not in reports
    migration.forwards(apps, None)  # again: nothing doubled
    assert CommunityReport.objects.count() == 2
