import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.core import summaries
from dangjian.core.summaries import key_of
from dangjian.orglife import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_subtree_cached(monkeypatch):
    monkeypatch.setattr(summaries, "SUMMARY_MIN_ORGS", 0)


def test_large_subtree_summary_comes_from_the_shared_cache(tree, login, monkeypatch, every_subtree_cached):
    calls = []
    real = panels.home_due

    def counting(org, **kw):
        calls.append(org.pk)
        return real(org, **kw)

    monkeypatch.setattr(panels, "home_due", counting)
    client = login(tree.county_admin)
    first = client.get(reverse("home:home"))
    second = client.get(reverse("home:home"))
    assert first.status_code == second.status_code == 200
    assert calls == [tree.county.pk]
    assert "的汇总（大范围汇总每 5 分钟重新计算一次）" in second.content.decode()


def test_a_small_subtree_is_live_and_says_no_time(tree, login):
    page = login(tree.county_admin).get(reverse("home:home")).content.decode()
    assert "大范围汇总" not in page


def test_the_matrix_of_a_large_subtree_is_a_cached_summary_equal_to_the_report(tree, login, every_subtree_cached):
    client = login(tree.county_admin)
    first = client.get(reverse("orglife:matrix"))
    assert first.status_code == 200 and "大范围汇总" in first.content.decode()
    out = summaries.verify([tree.county])
    assert [c.name for c in out] == ["orglife.matrix"] and all(c.equal for c in out)


def test_verify_summaries_passes_on_fresh_summaries_and_fails_on_a_wrong_one(tree, login, every_subtree_cached,
                                                                              monkeypatch, capsys):
    from django.core.cache import cache

    from dangjian.home.management.commands import verify_summaries

    monkeypatch.setattr(verify_summaries, "SUMMARY_MIN_ORGS", 0)
    login(tree.county_admin).get(reverse("home:home"))
    call_command("verify_summaries")
    assert "全部与重算结果一致" in capsys.readouterr().out
    # a summary that no longer matches the data (as a bug in maintaining it would leave it)
    key = next(key_of(k.name, tree.county, v) for k in summaries.summary_kinds() if k.name == "orgs.figures"
               for v in k.variants())
    value, at = cache.get(key)
    cache.set(key, ({**value, "warning_count": value["warning_count"] + 1}, at), 300)
    with pytest.raises(CommandError, match="1 份汇总与重算结果不一致"):
        call_command("verify_summaries")
    assert "不一致：orgs.figures" in capsys.readouterr().err
