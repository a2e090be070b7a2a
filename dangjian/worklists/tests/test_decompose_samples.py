"""The real speeches kept beside the repository (SAMPLES; present in CI, absent in a user's clone)."""

from pathlib import Path

import pytest

from dangjian.worklists.decompose import decompose_file

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "speeches"
if not SAMPLES.exists():
    SAMPLES = Path("/work/shared/samples/speeches")
NOISE_WORDS = ("QQ", "下载", "会员", "本站", "免责", "查看更多", "文档介绍")
pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="sample speeches: beside the repo")

EXPECTED = {
    # file: (title, top-level sections, sections with children, has a frequency)
    "speech-a.txt": ("2020上半年党建工作专题会上的讲话", 3, 3, False),
    "speech-b.txt": ("2020年在全市城市基层党建工作座谈会上的讲话", 3, 3, True),
    "speech-c.txt": ("在全区党建工作会上的讲话", 7, 0, False),
}


def all_text(nodes: list[dict]) -> str:
    return "".join(n["marker"] + n["heading"] + n["text"] + all_text(n["children"]) for n in nodes)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_speech(name):
    title, sections, with_children, has_frequency = EXPECTED[name]
    result = decompose_file(SAMPLES / name)
    assert result["title"] == title
    outline = result["outline"]
    assert len(outline) == sections
    assert sum(1 for node in outline if node["children"]) >= with_children
    text = all_text(outline) + result["preamble"] + result["closing"]
    assert not any(word in text for word in NOISE_WORDS)
    kinds = {item["kind"] for item in result["items"]}
    assert kinds == {"problem", "task", "responsibility"}
    assert any(item["owners"] for item in result["items"])
    assert any(item["mechanisms"] for item in result["items"])
    assert any(item["frequency"] for item in result["items"]) == has_frequency
    assert all(item["path"] and item["source"] == name for item in result["items"])


def test_sample_a_keeps_its_inconsistent_numbering_in_place():
    outline = decompose_file(SAMPLES / "speech-a.txt")["outline"]
    assert [n["marker"] for n in outline] == ["一、", "二、", "第三"]
    assert [c["marker"] for c in outline[0]["children"]] == ["（一）", "（二）", "三要"]
    assert [c["marker"] for c in outline[0]["children"][0]["children"]] == ["首先", "其次", "第三"]


def test_sample_b_on_one_line_is_resegmented():
    result = decompose_file(SAMPLES / "speech-b.txt")
    assert [n["marker"] for n in result["outline"]] == ["一、", "二、", "三、"]
    assert [c["marker"] for c in result["outline"][1]["children"]] == ["(一)", "(二)", "(三)"]
    assert [c["marker"] for c in result["outline"][2]["children"]] == ["一要", "二要", "三要", "四要", "五要"]
    observe = next(i for i in result["items"] if "一季度组织一次观摩活动" in i["text"])
    assert observe["frequency"] == "quarterly"
    duties = {owner for item in result["items"] if item["kind"] == "responsibility" for owner in item["owners"]}
    assert {"组织部门", "纪检监察机关", "宣传部门", "财政部门", "班子其他成员"} <= duties


def test_sample_c_first_to_sixth_then_finally():
    result = decompose_file(SAMPLES / "speech-c.txt")
    assert [n["marker"] for n in result["outline"]] == ["第一", "第二", "第三", "第四", "第五", "第六", "最后"]
    assert result["closing"] == "我就讲这些！"
