"""Talk is not a duty: questions, asides, quotations given as background, work already done; and an
owner is a real organisation or post, never a fragment that ends in a role word."""

import pytest

from dangjian.worklists.decompose import decompose
from dangjian.worklists.decompose.chatter import ACHIEVEMENT, ASIDE, NARRATIVE, QUESTION, QUOTATION, reason_of
from dangjian.worklists.decompose.classify import owners_of
from dangjian.worklists.decompose.owners import Vocabulary


@pytest.mark.parametrize(("sentence", "reason"), [
    ("首先要定位什么是基层党建工作？", QUESTION),
    ("为什么要抓基层党建，原因在哪里？", QUESTION),
    ("我常讲，抓党建就是抓发展。", ASIDE),
    ("过去说党建是软任务，这里我要更正这个观点。", ASIDE),
    ("在肯定成绩的同时，我们更要清醒地看到，整改工作还存在不少短板。", ASIDE),
    ("同志们：受市委组织部委托，我来参加今天的会议。", ASIDE),
    ("总书记强调，抓党建必须抓责任制。", QUOTATION),
    ("党中央三令五申纠治“四风”，释放的是一严到底的强烈信号。", QUOTATION),
    ("《党委（党组）书记抓基层党建工作述职评议考核办法》规定，每年开展一次述职评议。", QUOTATION),
    ("目前已有28项完成阶段性整改，新建、修订制度18项。", ACHIEVEMENT),
    ("建立的社区“群众说事室”，在省委组织部组工信息上刊发。", ACHIEVEMENT),
    ("12月16日，市政府机关党组召开会议，专题研究整改落实工作。", NARRATIVE),
])
def test_talk_is_filtered_with_its_reason(sentence, reason):
    assert reason_of(sentence) == reason


@pytest.mark.parametrize("sentence", [
    "各党支部要严格落实“三会一课”制度，每季度至少上一次党课。",
    "按照《基层党建观摩学习工作实施方案》要求，持续开展基层党建观摩学习工作。",
    "坚决贯彻落实中央八项规定精神，严查“四风”隐形变异问题。",
    "持续加强基层服务型党组织建设，全面实施“三社联动”。",
    "我认为，各级党组织要把党建责任扛在肩上。",
    "同时，他也指出了各基层组织在抓党建工作中尚存在的不足，如在思想认识上不够到位。",
])
def test_duties_are_not_talk(sentence):
    assert reason_of(sentence) is None


def test_filtered_sentences_come_with_their_reason_and_place():
    text = ("讲话\n一、提高认识\n（一）抓好理论学习。我常讲，要把学习放在第一位。要组织党员认真学习党章党规。"
            "什么是真学习，要怎样学？")
    result = decompose(text)
    assert [(f["reason"], f["path"]) for f in result["filtered"]] == [(ASIDE, ["一、", "（一）"]),
                                                                       (QUESTION, ["一、", "（一）"])]
    assert [(i["title"], i["measures"]) for i in result["items"]] == [("抓好理论学习", ["要组织党员认真学习党章党规"])]


@pytest.mark.parametrize("phrase", ["各级党组织", "党组（党委）书记", "班子成员", "县直机关各单位", "组织部门",
                                    "各被巡察党组织(单位)负责人", "班子其他成员", "纪检监察机关", "各党支部"])
def test_organisations_and_posts_are_owners(phrase):
    assert Vocabulary().is_owner(phrase)


@pytest.mark.parametrize("phrase", ["而是要用品格和人格带班子", "就是每个党支部", "党课讲稿各党支部", "我们的干部"])
def test_fragments_ending_in_a_role_word_are_not(phrase):
    assert not Vocabulary().is_owner(phrase)


def test_fragments_are_not_taken_for_owners_in_a_sentence():
    assert owners_of("不是靠说教，而是要用品格和人格带班子要做到以身作则。") == []
    assert owners_of("党建工作的落脚点，就是每个党支部要发挥战斗堡垒作用。") == []
    assert owners_of("各级党组织要压实主体责任。") == ["各级党组织"]


def test_the_scope_names_its_own_organisations():
    sentence = "城关镇第一党支部要在6月底前完成阵地建设。"
    assert owners_of(sentence) == []
    assert owners_of(sentence, Vocabulary(["城关镇第一党支部"])) == ["城关镇第一党支部"]
    result = decompose("讲话\n一、抓阵地\n（一）完善阵地。" + sentence, org_names=["城关镇第一党支部"])
    assert result["items"][0]["owners"] == ["城关镇第一党支部"]


def test_unnumbered_heading_lines_set_points_apart_in_a_text_without_numbers():
    text = ("会议强调四点意见。\n推进工程化建设，锚定模范机关新坐标\n"
            "要把模范机关建设作为政治工程来抓，带头做到“两个维护”。\n"
            "实行清单化管理，提高任务落实新质效\n要拉好责任清单，种好责任田。要明晰任务清单，把党建任务分解到支部。")
    items = decompose(text)["items"]
    assert [(i["title"], len(i["measures"])) for i in items] == [
        ("推进工程化建设，锚定模范机关新坐标", 1), ("实行清单化管理，提高任务落实新质效", 2)]
    assert items[0]["path"] == []


def test_one_short_line_alone_is_no_heading():
    items = decompose("加强组织建设的要求\n各党支部要每月召开一次支委会。要按时收缴党费。")["items"]
    assert [i["title"] for i in items][-2:] == ["各党支部要每月召开一次支委会", "要按时收缴党费"]
    assert all(i["measures"] == [] for i in items)  # sentences, not the measures of a point
