"""Measures and the longer texts of an item have sensible lengths, refused in Chinese: before, a
100,000-character measure was accepted."""

import pytest
from django.core.exceptions import ValidationError

from dangjian.worklists import actions
from dangjian.worklists.models import WorkItem

pytestmark = pytest.mark.django_db


def test_a_measure_past_the_limit_is_refused_naming_which(tree):
    measures = ["组织专题学习", "措" * 100_000]
    with pytest.raises(ValidationError) as refused:
        actions.item_create(acting_user=tree.secretary_a, org=tree.a, kind="problem", title="组织生活不规范",
                            measures=measures)
    assert refused.value.message_dict["measures"] == ["第 2 条整改措施最多 1000 个字（现为 100000 个字）"]
    assert not WorkItem.objects.exists()


def test_too_many_measures_and_long_symptoms_are_refused_on_update(tree, items):
    with pytest.raises(ValidationError, match="最多 100 条"):
        actions.item_update(acting_user=tree.secretary_a, item=items["a"], measures=[f"措施{i}" for i in range(101)])
    with pytest.raises(ValidationError) as refused:
        actions.item_update(acting_user=tree.secretary_a, item=items["a"], symptoms="症" * 5001)
    assert "最多 5000 个字" in refused.value.message_dict["symptoms"][0]
    assert WorkItem.objects.get(pk=items["a"].pk).symptoms == items["a"].symptoms
