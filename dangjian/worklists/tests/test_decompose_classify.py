"""Problems, tasks and responsibilities; owners, frequencies, deadlines and mechanisms."""

import pytest

from dangjian.worklists.decompose import classify, decompose
from dangjian.worklists.decompose.mechanisms import MODULES, find_mechanisms, mechanism_link


@pytest.mark.parametrize(("sentence", "kind"), [
    ("一些党组织书记抓党建的意识不强，主体责任落实不到位。", "problem"),
    ("有的支部“三会一课”存在补记录、凑次数的现象。", "problem"),
    ("部分党员干部作风不扎实，与上级要求还有差距。", "problem"),
    ("着力破解慢作为、不作为、乱作为问题。", "problem"),
    ("组织部门要搞好综合协调、监督检查、跟踪问效。", "responsibility"),
    ("纪检监察机关要加大监督执纪问责力度。", "responsibility"),
    ("各级党组织书记要切实担负起第一责任人职责。", "responsibility"),
    ("班子其他成员要履行“一岗双责”，督促抓好分管领域党建工作。", "responsibility"),
    ("各乡镇党委每季度召开一次党建工作例会。", "responsibility"),
    ("要严格落实“三会一课”制度。", "task"),
    ("推进村级活动阵地提档升级。", "task"),
    ("全面落实党费收缴制度，做到应缴尽缴。", "task"),
    ("要补齐短板，找准差距。", "task"),
    ("加强党的建设是做好基层各项工作的重要基础。", None),
    ("党建强、发展就强。", None),
    ("下面，我讲三点意见：", None),
])
def test_kind_of_a_sentence(sentence, kind):
    assert classify.kind_of(sentence) == kind


@pytest.mark.parametrize(("sentence", "owners"), [
    ("组织部门要会同有关部门开展督查。", ["组织部门"]),
    ("全市各级各部门要强化一盘棋思想，组织部门要搞好综合协调。", ["全市各级各部门", "组织部门"]),
    ("各级党组织和领导干部要坚决扛起责任。", ["各级党组织", "领导干部"]),
    ("其他乡镇（街道）要结合自身实际积极探索。", ["其他乡镇（街道）"]),
    ("各单位“一把手”，是抓党建的第一责任人。", ["各单位“一把手”"]),
    ("开展专项整治（责任单位：县委组织部、县委宣传部；完成时限：6月底前）", ["县委组织部", "县委宣传部"]),
    ("由县委组织部牵头，每半年开展一次督查。", ["县委组织部"]),
    ("要加强党组织书记队伍建设。", []),
    ("前不久，中办印发了《党委（党组）落实全面从严治党主体责任的规定》。", []),
])
def test_owners(sentence, owners):
    assert classify.owners_of(sentence) == owners


@pytest.mark.parametrize(("sentence", "frequency"), [
    ("支部委员会每月召开一次。", "monthly"), ("主题党日一月一次。", "monthly"), ("各党支部要按月收缴党费。", "monthly"),
    ("一季度组织一次观摩活动。", "quarterly"), ("每季度通报一次。", "quarterly"),
    ("党课每个季度至少讲一次。", "quarterly"), ("每半年开展一次排查。", "half-yearly"),
    ("每年两次集中培训。", "half-yearly"), ("半年组织一次示范观摩。", "half-yearly"),
    ("每年召开一次组织生活会。", "yearly"), ("民主评议党员一年一次。", "yearly"),
    ("上半年党建工作专题会。", None), ("下半年要重点抓好六项工作。", None), ("要加强学习。", None),
])
def test_frequency(sentence, frequency):
    assert classify.frequency_of(sentence) == frequency


@pytest.mark.parametrize(("sentence", "deadline"), [
    ("年底前全部完成。", "年底前"), ("6月底前实现全覆盖。", "6月底前"), ("10月份完成提档升级。", "10月份"),
    ("第三季度组织一次回头看。", "第三季度"), ("2024年9月30日前报送。", "2024年9月30日前"),
    ("今年年底前完成换届。", "今年年底前"),
    ("三个月内整改到位。", "三个月内"), ("上半年完成排查。", "上半年"), ("一季度组织一次观摩活动。", None),
    ("2020年是决胜之年。", None),
])
def test_deadline(sentence, deadline):
    assert classify.deadline_of(sentence) == deadline


def test_mechanisms_are_named_once_in_order_and_linked_to_the_platform():
    text = ("认真落实“三会一课”、主题党日、组织生活会和民主评议党员制度，列出问题清单，逐项销号，"
            "推行党员量化积分管理，按月收缴党费。")
    names = find_mechanisms(text)
    assert names == ["三会一课", "主题党日", "组织生活会", "民主评议党员", "三单制", "销号", "党员量化积分", "党费"]
    assert mechanism_link("三会一课") == {"name": "三会一课", "module": "orglife", "module_label": "组织生活",
                                      "planned": False}
    assert mechanism_link("三单制")["module"] == "worklists"
    assert mechanism_link("流动党员")["module"] == "members"
    assert mechanism_link("换届")["module"] == "orgs"
    assert mechanism_link("分类定级") == {"name": "分类定级", "module": "assessment", "module_label": "考核评价",
                                      "planned": True}
    assert set(MODULES) >= {"orglife", "worklists", "members", "orgs", "assessment"}


def test_items_carry_path_owners_frequency_deadline_mechanisms_and_source():
    text = "讲话\n一、压实责任\n（一）强化督查。组织部门要每季度通报一次“三会一课”落实情况，年底前完成考核。"
    item = decompose(text, source="讲话.txt")["items"][0]
    assert item == {
        "kind": "task",
        "title": "强化督查",
        "text": "强化督查。组织部门要每季度通报一次“三会一课”落实情况，年底前完成考核",
        "measures": ["组织部门要每季度通报一次“三会一课”落实情况，年底前完成考核"],
        "path": ["一、", "（一）"],
        "owners": ["组织部门"],
        "frequency": "quarterly",
        "deadline": "年底前",
        "mechanisms": ["督查考核", "三会一课"],
        "source": "讲话.txt",
        "mechanism_links": [
            {"name": "督查考核", "module": "assessment", "module_label": "考核评价", "planned": True},
            {"name": "三会一课", "module": "orglife", "module_label": "组织生活", "planned": False},
        ],
        "heading": "强化督查",
    }


def test_items_are_sentences_not_sections_and_short_leads_join_the_next():
    text = "讲话\n一、发挥引领作用\n（一）把方向。要把方向。要对标对表，确保正确方向。" \
           "要管大局。要放到全局中思考谋划；要统筹推进。"
    items = [i["text"] for i in decompose(text)["items"]]
    assert items == ["要把方向。要对标对表，确保正确方向", "要管大局。要放到全局中思考谋划", "要统筹推进"]


def test_a_leaf_that_is_only_a_heading_is_an_item():
    """A duty that names the shortcoming it deals with ("整治……突出问题") is a task, not a problem."""
    text = "讲话\n一、抓队伍\n（一）抓队伍建设。一要强化队伍建设，加强教育培训。" \
           "二要强化执法监督，整治执法不公等突出问题。"
    items = decompose(text)["items"]
    assert [(i["kind"], i["path"][-1], i["title"]) for i in items] == [
        ("task", "一要", "强化队伍建设，加强教育培训"), ("task", "二要", "强化执法监督，整治执法不公等突出问题")]
