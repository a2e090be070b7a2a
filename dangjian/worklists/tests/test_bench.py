"""The benchmark runs (small) and cleans up after itself."""

import pytest

from dangjian.worklists.bench import benchmark_worklists
from dangjian.worklists.models import SourceDocument, WorkItem

pytestmark = pytest.mark.django_db


def test_benchmark_small(tree, items):
    rows = benchmark_worklists(tree.county, tree.county_admin, count=300, requests=6)
    labels = [r[0] for r in rows]
    assert any("p95" in label for label in labels) and any("rollup" in label for label in labels)
    assert WorkItem.objects.count() == len(items) and not SourceDocument.objects.exists()
