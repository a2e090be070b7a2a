"""Page furniture removed, the title found."""

from pathlib import Path

import pytest

from dangjian.worklists.decompose import decompose
from dangjian.worklists.decompose.clean import clean_title, is_noise_line

FIXTURES = Path(__file__).parent / "fixtures"
NOISE_WORDS = ("QQ", "会员", "下载", "免责", "本站", "上一篇", "公众号", "客服")


def all_text(nodes: list[dict]) -> str:
    return "".join(n["heading"] + n["text"] + all_text(n["children"]) for n in nodes)


@pytest.mark.parametrize("line", [
    "会员群：            客服QQ：", "- 2021-05-07 发布 |", "- 37.5 KB |", "- 8页", "第 3 页 共 8 页", "- 2 -",
    "---------", "查看更多", "上一篇：在全县组织工作会议上的讲话", "免责声明：本站所有文档均由用户上传。",
    "现在订阅立享前3年的所有权益和资料",
    "自建平台、实时分享", "扫码关注公众号领取更多资料", "来源：某某网", "2024年3月8日",
])
def test_furniture_lines_are_noise(line):
    assert is_noise_line(line)


@pytest.mark.parametrize("line", [
    "一、维护群众权益，创新学习平台",
    "要用好微信公众号等新媒体开展党员教育，推动学习教育常态化、长效化，切实提高党员干部的理论素养。",
    "同志们：", "要严格落实“三会一课”制度。", "实行党员积分管理",
])
def test_document_lines_are_not_noise(line):
    assert not is_noise_line(line)


def test_the_fixture_speech_loses_its_furniture_and_keeps_its_title():
    result = decompose((FIXTURES / "county_speech.txt").read_text(encoding="utf-8"))
    assert result["title"] == "在全县基层党建工作推进会上的讲话"
    assert "会员群：            客服QQ：" in result["noise"]
    assert "相关文档" in result["noise"]
    assert "党建材料库" in result["noise"]  # a short line before the title belongs to the page
    text = all_text(result["outline"]) + result["preamble"] + result["closing"]
    assert not any(word in text for word in NOISE_WORDS)
    assert result["closing"].startswith("同志们，抓好基层党建工作")


@pytest.mark.parametrize(("raw", "title"), [
    ("2020年在全市城市基层党建工作座谈会上的讲话4120字范文稿", "2020年在全市城市基层党建工作座谈会上的讲话"),
    ("【推荐】在全县党建工作会议上的讲话（精选）", "在全县党建工作会议上的讲话"),
    ("在全区党建工作会上的讲话(2)", "在全区党建工作会上的讲话"),
    ("党支部书记抓党建述职报告范文", "党支部书记抓党建述职报告"),
])
def test_title_decorations_are_removed(raw, title):
    assert clean_title(raw) == title


def test_the_title_repeated_at_the_head_of_a_one_line_body_is_dropped():
    text = "- 2021-05-07 发布 |\n文档介绍\n在全市党建工作会上的讲话3000字范文稿\n" \
           "在全市党建工作会上的讲话3000字范文稿 同志们: 今天开会。 一、提高认识 要提高认识。 " \
           "二、狠抓落实 要狠抓落实。查看更多"
    result = decompose(text)
    assert result["title"] == "在全市党建工作会上的讲话"
    assert "在全市党建工作会上的讲话3000字范文稿" in result["noise"]
    assert "查看更多" in result["noise"]
    assert result["preamble"] == "同志们:\n今天开会。"
    assert [n["marker"] for n in result["outline"]] == ["一、", "二、"]
    assert result["outline"][1]["text"] == "要狠抓落实。"


def test_a_page_glued_into_one_line_with_spaces_loses_its_head_and_tail():
    text = " ".join([
        "仅供学习 禁止外传 某某文库 会员群： 免费QQ群：", "在全县党建工作会议上的讲话",
        "同志们： 今天召开会议，部署全年工作。",
        "一、提高认识 各级党组织要提高认识。", "二、狠抓落实 组织部门要每季度督查一次。", "同志们，任务光荣。",
        "上一篇：某某讲话 相关文档",
    ])
    result = decompose(text)
    assert result["title"] == "在全县党建工作会议上的讲话"
    assert {"仅供学习", "禁止外传", "某某文库", "免费QQ群：", "上一篇：某某讲话", "相关文档"} <= set(result["noise"])
    assert result["closing"] == "同志们，任务光荣。"
    assert len(result["items"]) == 2


def test_without_a_title_line_there_is_no_title():
    """A file's name is no title: "新建文档(2).docx" or "讲话定稿" would stand in for one."""
    result = decompose("一、提高认识\n要提高认识。\n二、狠抓落实\n要狠抓落实。", source="乡镇党委工作方案.docx")
    assert result["title"] == ""


def test_speaker_and_date_lines_are_not_the_title():
    result = decompose("（2024年3月8日）\n县委书记 张某某\n同志们：\n一、提高认识\n要提高认识。", source="")
    assert result["title"] == ""  # the speaker's line is no title, and there is no other
    result = decompose("在全县组织工作会议上的讲话\n（2024年3月8日）\n县委书记 张某某\n一、提高认识\n要提高认识。")
    assert result["title"] == "在全县组织工作会议上的讲话"


def test_a_main_title_above_its_subtitle_line_is_one_title():
    result = decompose("凝心聚力 狠抓落实\n——在全县党建工作会议上的讲话\n同志们：\n一、提高认识\n要提高认识。")
    assert result["title"] == "凝心聚力 狠抓落实——在全县党建工作会议上的讲话"
    assert result["noise"] == []


def test_a_list_of_other_documents_at_the_foot_of_the_page_is_noise():
    text = "\n".join([
        "在全县党建工作会议上的讲话", "一、提高认识", "各级党组织要提高认识。", "二、狠抓落实",
        "组织部门要每季度督查一次。", "推荐阅读", "2023年在全县基层党建工作推进会上的讲话范文",
        "关于进一步加强党支部标准化建设的实施意见", "下载文档",
    ])
    result = decompose(text)
    assert result["noise"][-4:] == ["推荐阅读", "2023年在全县基层党建工作推进会上的讲话范文",
                                    "关于进一步加强党支部标准化建设的实施意见", "下载文档"]
    assert result["outline"][1]["text"] == "组织部门要每季度督查一次。"


@pytest.mark.parametrize("text", [
    "第三项：请县委副书记宣读表彰决定\n同志们：\n一、提高认识\n要提高认识。",
    "下面请县委书记讲话\n同志们：\n一、提高认识\n要提高认识。",
    "一、提高认识\n要提高认识。\n二、狠抓落实\n要狠抓落实。",
])
def test_an_agenda_line_or_a_file_name_is_no_title(text):
    assert decompose(text, source="新建文档.docx")["title"] == ""


def test_a_title_broken_over_two_lines_is_joined():
    text = ("区委书记在2025年全区基层\n党建工作述职评议会上的点评\n同志们：\n今天我们召开述职评议会。\n"
            "一、提高认识\n要提高认识。")
    assert decompose(text)["title"] == "区委书记在2025年全区基层党建工作述职评议会上的点评"


def test_a_collection_page_gives_the_title_of_the_document_in_it():
    text = "党建理论学习要点(精选8篇)\n党建理论学习要点 第1篇\nxx镇2020年党建工作计划要点\n一、指导思想\n坚持正确方向。"
    result = decompose(text)
    assert result["title"] == "xx镇2020年党建工作计划要点"
    assert [n["marker"] for n in result["outline"]] == ["一、"]


def test_a_body_line_with_a_title_word_inside_is_no_title():
    """"……总结过去一年" holds 总结 but does not end as a title does."""
    text = "同志们：\n代党的建设总要求和新时代党的组织路线,通过述职评议的方式,总结过去一年\n一、提高认识\n要提高认识。"
    assert decompose(text)["title"] == ""
