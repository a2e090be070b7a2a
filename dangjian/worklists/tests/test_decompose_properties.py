"""Properties of the document decomposer on generated text (hypothesis): it never raises anything
but DecomposeError, every item it extracts is text of the input, and the same input always gives the
same output. The noise below is the kind found around speeches copied from download sites."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.worklists.decompose import DecomposeError, decompose, decompose_file
from dangjian.worklists.decompose.segment import normalize

CJK = re.compile(r"[\u4e00-\u9fff]")
KINDS = {"problem", "task", "responsibility"}

NOISE = [
    "仅供学习 禁止外传", "自建平台、实时分享", "现在订阅立享前3年的所有权益和资料 ", "【打击倒卖活动】",
    "举报倒卖会员资料的人，举报成功免费赠送一年会员材料！", "会员群：                      免费QQ群：         ",
    "查看更多", "展开全文>>", "本文来源于网络，如有侵权请联系删除", "www.example-fanwen.com", "https://wenku.example.cn/doc/1",
    "第 3 页 共 9 页", "- 2 -", "1/12", "1.2MB", "2020-05-06 09:12 发布", "【大 中 小】", "打印本页 关闭窗口",
    "来源：某某网", "责任编辑：张三", "4120字范文稿", "文档介绍：", "\ufffd\ufffd\ufffd", "★★★★★", "————————",
    "扫码关注公众号", "上一篇：关于印发某某方案的通知", "下载文档 收藏 分享",
]
TITLES = ["在全县党建工作会议上的讲话", "2020上半年党建工作专题会上的讲话", "某某镇2024年党建工作要点",
          "关于加强基层党组织建设的实施方案（完整版）", "党课讲稿"]
MARKERS = ["一、", "二、", "三、", "十一、", "（一）", "（二）", "(三)", "1.", "2、", "（1）", "(2)", "3）", "①", "②",
           "第一，", "第二，", "其次，", "最后，", "一是", "二要", "第一部分", "第二章", "第三条", "⑴"]
SENTENCES = [
    "各党支部要严格落实三会一课制度，每季度至少上一次党课，6月底前完成自查。",
    "一些支部三会一课落实不到位，存在补记录、凑次数的问题。",
    "组织部门要加强对流动党员的管理服务，年底前实现全覆盖。",
    "乡镇党委书记是第一责任人，要亲自抓、负总责。",
    "要把方向。", "同志们：", "同志们，求木之长者，必固其根本。", "谢谢大家！", "以上，讲这些。",
    "纪检监察机关要加大监督执纪问责力度,盯住不落实的事、追究不落实的人。",
    "“三会一课”（支部党员大会、支委会、党小组会和党课）要按时召开；", "主题党日每月开展一次",
    "存在的问题", "重点任务", "（来源：某某网）", "统一、规范、进一步加强。",
]
SEPARATORS = ["\n", "", " ", "\r\n", "\n\n", "\u3000\u3000", "\t", "\u2029", "\u200b", "  "]

fragment = st.one_of(
    st.sampled_from(NOISE), st.sampled_from(TITLES), st.sampled_from(SENTENCES),
    st.tuples(st.sampled_from(MARKERS), st.sampled_from(SENTENCES)).map("".join),
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=30),
    st.text(alphabet="一二三四五六七八九十、（）()1234567890.。；;：:，,！？ \n", max_size=20),
)


@st.composite
def documents(draw) -> str:
    parts = draw(st.lists(fragment, max_size=40))
    separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, separators, strict=True))


def squash(text: str) -> str:
    """The text without white space and invisible characters: the decomposer rejoins lines cut by
    a PDF copy and collapses spaces, so an item is a slice of the input up to white space."""
    return "".join(c for c in normalize(text) if not c.isspace())


def is_slice(part: str, text: str, noise: list[str]) -> bool:
    """``part`` is a slice of ``text`` up to white space, or of ``text`` once the noise lines the
    decomposer removed are taken out (a sentence cut by a page footer is joined again, a point's
    paragraphs around a noise line are one text)."""
    part, source = squash(part), squash(text)
    if part in source:
        return True
    for line in noise:
        source = source.replace(squash(line), "", 1)
    return part in source or _runs_over_noise_lines(part, text, noise)


def _runs_over_noise_lines(part: str, text: str, noise: list[str]) -> bool:
    """Is ``part`` a run of consecutive lines of ``text`` (cut anywhere in the first and last), where
    a line may have lost a noise line or a piece of one (a repeated title at its head)? A noise line
    may stand twice, once kept, once removed."""
    dropped = {squash(line) for line in noise if squash(line)}
    lines = []
    for line in map(squash, text.splitlines()):
        lines.append({line} | {cut for piece in dropped if piece in line
                               for cut in (line.replace(piece, "", 1), line.replace(piece, ""))})

    def runs_on(i: int, rest: str) -> bool:
        if not rest:
            return True
        if i >= len(lines):
            return False
        return any(line.startswith(rest) or (rest.startswith(line) and runs_on(i + 1, rest[len(line):]))
                   for line in lines[i])

    return any(part.startswith(line[k:]) and runs_on(i + 1, part[len(line) - k:])
               for i, variants in enumerate(lines) for line in variants for k in range(len(line)))


def decomposed_or_refused(text: str):
    try:
        return decompose(text, source="讲话.txt")
    except DecomposeError as exc:
        assert CJK.search(str(exc)), exc
        return None


@settings(max_examples=100)
@given(documents())
def test_any_text_decomposes_or_is_refused_and_items_are_slices_of_it(text):
    result = decomposed_or_refused(text)
    if result is None:
        return
    source = squash(text)
    assert set(result) >= {"title", "noise", "outline", "items", "preamble", "closing"}
    for item in result["items"]:
        assert item["kind"] in KINDS
        assert item["text"] and is_slice(item["text"], text, [*result["noise"], result["title"]]), item
        assert is_slice(item["heading"].rstrip("…"), text, result["noise"]), item
        assert all(isinstance(p, str) for p in item["path"])
        assert item["source"] == "讲话.txt"
    for line in result["noise"]:
        assert squash(line) in source


@settings(max_examples=40)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_anything_but_decompose_error(text):
    result = decomposed_or_refused(text)
    if result is not None:
        assert all(is_slice(item["text"], text, result["noise"]) for item in result["items"])


@settings(max_examples=40)
@given(documents())
def test_the_same_text_always_gives_the_same_result(text):
    first = decomposed_or_refused(text)
    again = decomposed_or_refused("".join(list(text)))  # an equal string, not the same object
    assert first == again


@settings(max_examples=40)
@given(documents(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_a_file_in_any_supported_encoding_decomposes_like_the_text(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        from_file = decompose_file(data, filename="讲话.txt")
    except DecomposeError as exc:
        assert CJK.search(str(exc)), exc
        return
    assert all(is_slice(item["text"], text, [*from_file["noise"], from_file["title"]]) for item in from_file["items"])


@settings(max_examples=40)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b)))
def test_arbitrary_bytes_never_raise_anything_but_decompose_error(data):
    try:
        decompose_file(data, filename="upload.docx")
    except DecomposeError as exc:
        assert CJK.search(str(exc)), exc


def test_a_noisy_speech_gives_items_that_are_its_own_sentences():
    """A fixed example of the generated shape, so the properties above are known to see items."""
    text = "\n".join([NOISE[0], NOISE[5], TITLES[0], "同志们：", "一、存在的问题", "（一）" + SENTENCES[1],
                      "二、重点任务", "（一）" + SENTENCES[0], "（二）" + SENTENCES[2], NOISE[6]])
    result = decompose(text)
    assert result["title"] == TITLES[0]
    texts = [item["text"] for item in result["items"]]
    assert texts == [SENTENCES[1].rstrip("。"), SENTENCES[0].rstrip("。"), SENTENCES[2].rstrip("。")]
    assert NOISE[0] in result["noise"]


def test_a_short_line_is_not_glued_to_the_next_paragraph():
    """Found by the slice property: a short line ("党课讲稿") was merged into the next paragraph's first
    sentence, across a noise line, and became part of its owner ("党课讲稿各党支部")."""
    text = f"{TITLES[0]}\n1、工作要求\n党课讲稿\n{NOISE[0]}\n{SENTENCES[0]}\n"
    items = decompose(text)["items"]
    assert [item["measures"] for item in items] == [[SENTENCES[0].rstrip("。")]]
    assert items[0]["owners"] == ["各党支部"]
