"""Numbering styles, levels, mixed and restarted numbering, enumerations inside paragraphs, and a
whole speech glued into one line."""

from pathlib import Path

import pytest

from dangjian.worklists.decompose import decompose
from dangjian.worklists.decompose.markers import cn_to_int, find_markers, marker_at_start

FIXTURES = Path(__file__).parent / "fixtures"


def speech(name: str = "county_speech.txt") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def shape(nodes: list[dict]) -> list:
    """(marker, level, children) of every node: the outline without its text."""
    return [(n["marker"], n["level"], shape(n["children"])) for n in nodes]


def walk(nodes: list[dict]):
    for node in nodes:
        yield node
        yield from walk(node["children"])


def find(nodes: list[dict], heading: str) -> dict:
    return next(n for n in walk(nodes) if n["heading"].startswith(heading))


@pytest.mark.parametrize(("text", "marker", "value"), [
    ("一、加强领导", "一、", 1), ("十二、其他", "十二、", 12), ("（三）抓落实", "（三）", 3), ("(三)抓落实", "(三)", 3),
    ("1.深化学习", "1.", 1), ("2、严格管理", "2、", 2), ("（4）每季度", "（4）", 4), ("③严格", "③", 3),
    ("第二，强化督查", "第二", 2), ("第三要善于领导", "第三", 3), ("二是推进", "二是", 2), ("三要靠典型", "三要", 3),
    ("首先要加强", "首先", 1), ("其次，", "其次", 2), ("第一章 总则", "第一章", 1), ("第十条 党费", "第十条", 10),
])
def test_markers_of_every_style_are_recognised(text, marker, value):
    found = marker_at_start(text)
    assert (found.text, found.value) == (marker, value)


@pytest.mark.parametrize("text", [
    "要统一、规范网格党支部运行机制。", "要进一步提高质量。", "发展是第一要务。", "是抓党建的第一责任人。",
    "增长了3.5个百分点。", "做到知信行统一。", "唯一是从。", "打通最后一公里", "2020.5月",
])
def test_words_that_look_like_markers_are_not_markers(text):
    assert [m.text for m in find_markers(text) if m.style != "ordinal" or m.text != "最后"] == []


def test_chinese_numerals():
    assert [cn_to_int(w) for w in ("一", "十", "十一", "二十", "二十三", "九十九", "二二", "十十")] == \
        [1, 10, 11, 20, 23, 99, None, None]


def test_levels_follow_the_styles_as_a_reader_takes_them():
    outline = decompose(speech())["outline"]
    assert [n["marker"] for n in outline] == ["一、", "二、", "三、"]
    second = outline[1]
    assert [(c["marker"], c["level"]) for c in second["children"]] == [
        ("（一）", 2), ("（二）", 2), ("（三）", 2), ("四要", 2)]
    assert [(c["marker"], c["level"]) for c in second["children"][0]["children"]] == [
        ("1．", 3), ("2．", 3), ("3．", 3)]


def test_numbering_that_restarts_under_each_section_restarts_there():
    second = decompose(speech())["outline"][1]
    first, again = second["children"][0], second["children"][1]
    assert [c["marker"] for c in first["children"]] == [c["marker"] for c in again["children"]] == ["1．", "2．", "3．"]


def test_enumerations_inside_a_paragraph_become_the_deepest_children():
    node = find(decompose(speech())["outline"], "夯实基层基础保障")
    assert [(c["marker"], c["level"]) for c in node["children"]] == [("一是", 3), ("二是", 3), ("三是", 3)]
    assert node["children"][0]["heading"].startswith("推进阵地建设")
    assert node["text"] == ""


def test_an_inconsistent_marker_joins_the_sequence_it_continues():
    text = "\n".join([
        "关于党建工作的讲话", "一、提高认识", "（一）加强领导。要加强领导。", "（二）发挥作用。要发挥作用。",
        "三要确保根基稳固。要抓学习。", "二、突出重点", "（一）抓制度。要落实制度。", "第三，狠抓落实",
        "（一）抓作风。要转变作风。",
    ])
    outline = decompose(text)["outline"]
    assert shape(outline) == [
        ("一、", 1, [("（一）", 2, []), ("（二）", 2, []), ("三要", 2, [])]),
        ("二、", 1, [("（一）", 2, [])]),
        ("第三", 1, [("（一）", 2, [])]),
    ]


def test_first_second_then_finally_at_the_top_level():
    text = "\n".join([
        "在会上的讲话", "同志们：", "我讲几点意见。", "第一，要抓政治建设。要严明纪律。",
        "第二，要抓思想建设。要加强学习。",
        "最后，我再强调一下安全工作。要守住底线。", "同志们，任务艰巨。", "我就讲这些！",
    ])
    result = decompose(text)
    assert [(n["marker"], n["level"]) for n in result["outline"]] == [("第一", 1), ("第二", 1), ("最后", 1)]
    assert result["closing"].startswith("同志们，任务艰巨") and "我就讲这些" in result["closing"]


def test_first_second_inside_a_section_are_enumerations():
    text = "\n".join([
        "一、加强领导",
        "（一）加强党的领导。首先要加强政治建设。把政治建设摆在首位。其次要强化主体责任。各单位要履行责任。"
        "第三要善于领导。要协调各方。",
        "（二）发挥作用。要把方向。",
    ])
    first = decompose(text)["outline"][0]["children"][0]
    assert [c["marker"] for c in first["children"]] == ["首先", "其次", "第三"]
    assert first["children"][1]["heading"] == "要强化主体责任"


def test_a_lone_first_in_the_preamble_opens_no_section():
    text = "讲话\n首先，我代表县委向大家表示感谢。\n一、提高认识\n要提高认识。\n二、狠抓落实\n要狠抓落实。"
    result = decompose(text)
    assert [n["marker"] for n in result["outline"]] == ["一、", "二、"]
    assert "首先" in result["preamble"]


def test_deeper_styles_of_a_work_plan():
    outline = decompose(speech("work_plan.txt"))["outline"]
    tasks = outline[1]
    assert shape(tasks["children"][0]["children"]) == [
        ("1.", 3, [("（1）", 4, []), ("（2）", 4, [])]),
        ("2.", 3, [("①", 4, []), ("②", 4, [])]),
    ]


def test_a_shallower_style_seen_before_returns_to_its_level():
    text = "\n".join(["讲话", "一、总体要求", "（一）目标", "要实现目标。", "二、重点任务", "1.抓学习", "要抓学习。",
                      "（一）抓组织", "要抓组织。", "（二）抓作风", "要抓作风。"])
    second = decompose(text)["outline"][1]
    assert [(c["marker"], c["level"]) for c in second["children"]] == [("1.", 2), ("（一）", 2), ("（二）", 2)]


@pytest.mark.parametrize("joiner", ["", " "])
def test_a_whole_speech_on_one_line_gets_the_same_outline(joiner):
    lines = [line.strip() for line in speech().splitlines() if line.strip()]
    one_line = joiner.join(lines)
    assert "\n" not in one_line
    expected = decompose(speech())
    result = decompose(one_line)
    assert result["title"] == expected["title"] == "在全县基层党建工作推进会上的讲话"
    assert shape(result["outline"]) == shape(expected["outline"])
    assert len(result["items"]) >= len(expected["items"]) - 2


def test_one_line_does_not_split_inside_words():
    result = decompose(" ".join(line.strip() for line in speech().splitlines()))
    headings = [n["heading"] for n in walk(result["outline"])]
    assert not any(h.startswith(("规范网格", "步提高")) for h in headings)
    grid = find(result["outline"], "完善网格治理体系")
    assert "统一、规范网格党支部运行机制" in grid["text"]


def test_one_line_without_any_space_is_cut_at_the_sequence():
    text = "".join([
        "在全市党建工作会议上的讲话同志们：今天开会，我讲三点意见。",
        "一、统一思想、提高认识要统一思想。一是统一思想认识。各级党组织要提高认识。二是聚焦主责主业。要聚焦主业。",
        "二、突出重点、把握关键(一)夯实基础。要夯实基础。一是推进硬件标准化。要规范阵地。二是推进活动规范化。",
        "要规范活动。(二)强化引领。要强化引领。",
        "三、夯实责任一要靠头雁来引领。党组织书记要带头。二要靠责任来保证。班子成员要履行一岗双责。",
        "同志们，任务光荣。",
    ])
    result = decompose(text)
    assert result["title"] == "在全市党建工作会议上的讲话"
    assert shape(result["outline"]) == [
        ("一、", 1, [("一是", 2, []), ("二是", 2, [])]),
        ("二、", 1, [("(一)", 2, [("一是", 3, []), ("二是", 3, [])]), ("(二)", 2, [])]),
        ("三、", 1, [("一要", 2, []), ("二要", 2, [])]),
    ]
    assert result["closing"] == "同志们，任务光荣。"


def test_a_text_without_numbering_still_gives_items():
    result = decompose("关于加强党费管理的通知\n各党支部要按月收缴党费。\n组织部门要每季度通报一次收缴情况。")
    assert result["outline"] == []
    assert [i["kind"] for i in result["items"]] == ["responsibility", "responsibility"]
    assert result["items"][0]["path"] == []


def test_chapters_and_articles_whose_numbers_run_on():
    text = "\n".join([
        "实施办法", "第一章 总则", "第一条 为加强党支部建设，制定本办法。", "第二条 本办法适用于各党支部。",
        "第二章 组织生活", "第三条 党支部应当每月召开一次支部委员会。", "第四条 党支部每年召开一次组织生活会。",
    ])
    outline = decompose(text)["outline"]
    assert shape(outline) == [
        ("第一章", 1, [("第一条", 2, []), ("第二条", 2, [])]),
        ("第二章", 1, [("第三条", 2, []), ("第四条", 2, [])]),
    ]


def test_parts_with_their_own_numbering():
    text = "\n".join([
        "工作要点", "第一部分 总体要求", "一、指导思想", "要坚持正确方向。", "第二部分 重点任务", "一、政治建设",
        "1、各党支部每月组织一次集中学习。", "2、党员领导干部要参加双重组织生活。", "二、组织建设",
        "1、推进标准化建设。",
    ])
    assert shape(decompose(text)["outline"]) == [
        ("第一部分", 1, [("一、", 2, [])]),
        ("第二部分", 1, [("一、", 2, [("1、", 3, []), ("2、", 3, [])]), ("二、", 2, [("1、", 3, [])])]),
    ]


@pytest.mark.parametrize("markers", [
    ("一要", "二要", "三要"), ("首先，", "其次，", "再次，"), ("一是", "二是", "三是"),
])
def test_enumerations_as_the_only_sections(markers):
    lines = ["在全镇党员大会上的讲话", "同志们：", "这里我强调几点。"]
    for marker, topic in zip(markers, ("提高认识", "狠抓整改", "强化作风"), strict=True):
        lines += [f"{marker}{topic}。", "各村党支部要抓好落实。"]
    result = decompose("\n".join(lines + ["最后，希望大家共同努力。"]))
    assert [n["marker"] for n in result["outline"]] == [m.rstrip("，") for m in markers] + ["最后"]
    assert all(n["text"] == "各村党支部要抓好落实。" for n in result["outline"][:3])


def hard_wrap(text: str, width: int) -> str:
    """Lines cut at one width as a PDF copy has them (punctuation never opens a line)."""
    out = []
    for line in text.splitlines():
        while len(line) > width:
            cut = width
            while cut < len(line) and line[cut] in "，。、；：！？”":
                cut += 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def test_lines_cut_at_one_width_are_glued_back():
    wrapped = hard_wrap(speech(), 28)
    assert "。\n" not in wrapped.split("同志们：")[1][:80]  # the paragraphs really are cut mid-sentence
    expected, result = decompose(speech()), decompose(wrapped)
    assert shape(result["outline"]) == shape(expected["outline"])
    assert [i["text"] for i in result["items"]] == [i["text"] for i in expected["items"]]


def test_a_one_line_outline_keeps_both_levels():
    text = ("【提纲】一、提高政治站位，深刻领悟整改责任。二、坚持问题导向，正视成效与短板。"
            "三、聚焦重点攻坚，推动整改见底清零。"
            "（一）建立清单化管理机制。（二）聚焦关键领域整改。（三）健全长效机制。四、强化保障落实，凝聚工作合力。")
    outline = decompose(text)["outline"]
    assert [n["marker"] for n in outline] == ["一、", "二、", "三、", "四、"]
    assert [c["marker"] for c in outline[2]["children"]] == ["（一）", "（二）", "（三）"]


def test_first_then_next_then_last_are_sections_wherever_they_start_a_point():
    text = ("会议由镇党委书记主持。\n首先，各村支书逐一述职。其次，镇党委书记逐一点评，指出存在的不足。\n"
            "最后，书记提出几点希望，一是要加强基层党建工作力度；二是要抓好基层维稳工作；三是要拓宽党建发展思路。")
    outline = decompose(text)["outline"]
    assert [(n["marker"], n["level"]) for n in outline] == [("首先", 1), ("其次", 1), ("最后", 1)]
    assert [c["marker"] for c in outline[2]["children"]] == ["一是", "二是", "三是"]


def test_ordinals_glued_in_a_report_are_sections():
    text = ("他从三个方面做了安排。第一要加强基层党组织建设，提高科学化水平。要围绕中心工作。"
            "第二要学习典型，争作表率。各基层党组织要以先进典型为榜样。第三要重视青年工作，培养生力军。共青团组织要把握新要求。")
    outline = decompose(text)["outline"]
    assert [(n["marker"], n["heading"][:6]) for n in outline] == [
        ("第一", "要加强基层党"), ("第二", "要学习典型，"), ("第三", "要重视青年工")]


def test_an_enumeration_restarting_in_a_new_paragraph_is_a_sibling_not_a_child():
    text = ("问题清单制。一是原汁原味反馈。对发现的问题不回避。二是开列问题清单。列出问题清单。\n"
            "签字背书制。一是一把手亲自签收。主要负责人亲自签收。二是做出真实性承诺。进行签字背书。")
    outline = decompose(text)["outline"]
    assert [(n["marker"], n["level"]) for n in outline] == [("一是", 1), ("二是", 1), ("一是", 1), ("二是", 1)]


def test_a_lone_first_point_ending_a_cut_text_is_still_a_point():
    text = ("一、加强组织领导\n征兵工作是一项基础性工作。\n"
            "一是要高度重视。各单位要把征兵工作列入议事日程，主要领导要亲自抓")
    result = decompose(text)
    assert [c["marker"] for c in result["outline"][0]["children"]] == ["一是"]
    assert [(i["kind"], i["title"]) for i in result["items"]] == [("task", "高度重视")]
    assert result["items"][0]["owners"] == ["各单位", "主要领导"]
