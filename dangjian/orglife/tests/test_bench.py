import datetime as dt

import pytest

from dangjian.orglife.bench import benchmark_orglife
from dangjian.testing import make_member

pytestmark = pytest.mark.django_db


def test_benchmark_rows(tree, record):
    for i in range(40):
        make_member(tree.c, name=f"测试{i}")
    record(tree.a, dt.date(2026, 3, 3))
    rows = benchmark_orglife(tree.county)
    labels = " ".join(r[0] for r in rows)
    assert "查询次数" in labels and "雷同" in labels and "API" in labels
    assert all(len(r) in (3, 4) for r in rows)  # (label, value, target[, ratio to the limit])
    assert "极限" in rows[0][0]
    database_row = next(r for r in rows if "数据库部分" in r[0])
    assert "×（GROUP BY" in database_row[3]
    queries_row = next(r for r in rows if "查询次数" in r[0])
    on_root, on_branch = queries_row[1].split(" / ")
    assert on_root == on_branch
