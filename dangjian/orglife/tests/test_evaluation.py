"""The evaluation command at a small size: the issue's targets, recall ≥ 0.95 and false flags ≤ 0.02."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from dangjian.orglife.evaluation import HONEST, PADDED
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_evaluation_meets_the_targets():
    out = io.StringIO()
    call_command("orglife_evaluate", scale="tiny", per_kind=2, json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert result["overall_recall"] >= 0.95
    assert result["false_flag_rate"] <= 0.02, result["false_flags"]
    # every padded mechanism planted, bursts only in the weeks before a quarter's end (the check's own rule)
    assert set(result["recall"]) | {"burst"} == set(PADDED)
    assert all(v["planted"] >= 2 for v in result["recall"].values())
    assert set(result["honest"]) == set(HONEST) and sum(v["planted"] for v in result["honest"].values()) >= 10
    assert not Organization.objects.exists()  # all of it rolled back


def test_evaluation_refuses_a_database_with_data(tree):
    with pytest.raises(CommandError, match="空数据库"):
        call_command("orglife_evaluate", stdout=io.StringIO())
