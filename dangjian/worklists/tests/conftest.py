import datetime as dt
import sys
import types

import pytest

import dangjian.worklists as package
from dangjian.worklists.testing import make_item

from .samples import RESULT


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today():
    return dt.date(2026, 6, 15)


@pytest.fixture
def items(tree, today):
    """One item in each branch and one at town 1, deadlines around ``today``."""
    return {
        "a": make_item(tree.a, "红星村党支部组织生活不规范", deadline=today + dt.timedelta(days=3)),
        "a_late": make_item(tree.a, "红星村党员活动室未挂牌", deadline=today - dt.timedelta(days=5)),
        "b": make_item(tree.b, "新华社区网格党支部未全覆盖", deadline=today + dt.timedelta(days=30)),
        "c": make_item(tree.c, "卫生院党支部三会一课记录不全", deadline=today - dt.timedelta(days=1)),
        "town1": make_item(tree.town1, "东城镇党委书记抓党建述职问题整改", deadline=today + dt.timedelta(days=60)),
    }


class StubError(ValueError):
    pass


@pytest.fixture
def stub(monkeypatch):
    """A stand-in decomposer answering ``RESULT``; records what it was given."""
    calls = []
    module = types.ModuleType("dangjian.worklists.decompose")
    module.DecomposeError = StubError

    def decompose(text, source="", org_names=()):
        calls.append(text)
        if "坏" in text:
            raise StubError("文件中没有可识别的正文")
        return RESULT

    module.decompose = decompose
    module.decompose_file = lambda data, filename="", org_names=(): (calls.append(filename), RESULT)[1]
    monkeypatch.setitem(sys.modules, "dangjian.worklists.decompose", module)
    monkeypatch.setattr(package, "decompose", module, raising=False)
    return calls
