"""What is not the document: web-page furniture around a pasted or downloaded speech, and its title.

Noise is judged line by line (ad slogans, contact lines, download-site dates, sizes, page counts,
disclaimers), then by neighbourhood: short lines between noise lines, lines before the title and the
short lines trailing after the text belong to the page, not to the speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markers import marker_at_start
from .segment import Para, split_at_spaces
from .words import either

STRONG_NOISE = re.compile(
    either("""
        QQ qq 会员 客服 免责 版权 侵权 申明 敬告 本站 本网 文档介绍 文档简介 相关文档 相关推荐 猜你喜欢 热门文档
        推荐阅读 上一篇 下一篇 查看更多 展开全文 阅读全文 收起全文 点击下载 点击查看 点击阅读 点击进入 立即下载
        下载文档 下载次数 下载券 浏览次数 阅读量 阅读次数 上传 倒卖 仅供学习 仅供参考 禁止外传 扫码 二维码 公众号
        文库 范文网 www. 打印本页 关闭窗口 分享到
    """)
    + r"|https?://|\.(?:com|cn|net|org)\b|\d+(?:\.\d+)?\s*[KkMm][Bb]\b|第\s*\d+\s*页|共\s*\d+\s*页"
    + r"|【\s*[大中小]\s*[大中小]?\s*[大中小]?\s*】"
    + r"|^(?:来源|作者|编辑|责任编辑|发布时间|发布日期|时间|字数|页数|大小|格式)\s*[:：]"
)
AD_WORDS = re.compile(either("""
    迭代 订阅 赠送 免费 举报 收藏 点赞 评论 转载 原创 广告 推广 VIP vip 金币 网友 加群 群号 邮箱 热线 电话 微信 下载
    付费 优惠 折扣 领取
"""))
GENERIC_WORDS = re.compile(either("平台 分享 资料 权益 发布 来源 作者 编辑 积分 关注 更新 实时 自建"))
DATE_LINE = re.compile(r"[\W_]*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
                       r"[\W_]*(?:发布|更新|上传|修改)?[\W_]*")
PAGE_LINE = re.compile(r"[\W_]*(?:第?\s*\d+\s*页|\d+\s*/\s*\d+|[-—－]+\s*\d+\s*[-—－]+|\d+\s*页\s*共\s*\d+\s*页)[\W_]*")
SYMBOLS_ONLY = re.compile(r"[\W_]+")
TRAILING_FURNITURE = re.compile(
    r"(?:查看更多|展开全文|阅读全文|收起全文|点击(?:下载|查看|阅读)\S{0,6}|全文完|下载文档|免费下载|立即下载)\s*[>》»…]*\s*$")
LEADING_FURNITURE = re.compile(r"^(?:文档介绍|文档简介|内容简介|内容摘要)\s*[:：]?\s*")
SENTENCE_END = re.compile(r"[。！？!?]")
CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_PUNCT = re.compile(r"[。！？!?；;]")
CLOSING_WORDS = re.compile(r"谢谢|讲这些|以上")

TITLE_WORDS = re.compile(r"在.{2,40}上的|" + either("""
    讲话 报告 意见 方案 通知 要点 决定 办法 规定 规则 细则 纲要 规划 计划 总结 发言 致辞 提纲 讲稿 党课 清单 安排
    部署 主持词 点评
"""))
# A title ends with what the document is ("……的讲话", "……工作要点"), give or take a short tail.
TITLE_TAIL_MAX = 2
# "党建理论学习要点(精选8篇)": a page collecting several documents; "…… 第1篇" / "……篇1": one of them.
COLLECTION = re.compile(r"(?:[（(【\[]?(?:精选|精彩|优秀|热门|推荐)?\d{1,3}篇[)）】\]]?|合集|汇编|大全)$")
COLLECTION_ITEM = re.compile(r"\s*(?:第\s*\d{1,3}\s*篇|篇\s*\d{1,3})$")
SITE_NAME = re.compile(r"^\S{2,10}(?:之家|之窗|网|文库|范文|文档|资料库)$")  # "泡泡演讲稿之家"
# Not titles though shaped like one: "县委书记 张某某" (the speaker), "第三项：请……宣读表彰决定" (an agenda).
SPEAKER_LINE = re.compile(r"(?:书记|主任|部长|县长|市长|区长|镇长|乡长|局长|主席|组长|同志)"
                          r"\s*[\u4e00-\u9fff某×XＸ*＊]{2,4}$")
AGENDA_LINE = re.compile(r"^(?:第[一二三四五六七八九十\d]+项|议程)"
                         r"|(?:请|由)[^，,。]{1,24}(?:宣读|讲话|发言|传达|主持|通报)")
BREADCRUMB = re.compile(r"\S\s*[>＞»]\s*\S.*[>＞»]")
HIDDEN_TEXT = re.compile(r"[…\.]{2,}\s*此处隐藏\s*\d+\s*个?字\s*[…\.]{2,}")
TITLE_SUFFIXES = (
    re.compile(r"\s*\d+\s*字.{0,8}$"),
    re.compile(r"\s*[（(【\[]?(?:范文稿?|精选|完整版|[Ww][Oo][Rr][Dd]版?|可编辑|精品|推荐|优选|最新版?|通用版?|全文|"
               r"[Dd][Oo][Cc][Xx]?|[Pp][Dd][Ff]|\d{1,2}篇|共\d+篇|合集|汇编|模板|大全)[)）】\]]?$"),
    re.compile(r"\s*[（(]\d{1,2}[)）]$"),
    COLLECTION_ITEM,
    re.compile(r"(?<=[话告案见知点结稿])\s+\S{1,8}$"),  # "…的讲话 领导讲话稿推荐": a site's tag after the title
)
TITLE_PREFIX = re.compile(r"^(?:【[^】]{1,10}】|\[[^\]]{1,10}\])\s*")
GLUED_TITLE = re.compile(r"^(.{4,60}?(?:讲话|报告|发言|致辞|讲稿|党课|意见|方案|通知))(?=\s*同志们[，,：:])")
GLUED_TITLE_ANYWHERE = re.compile(r"[^。！？!?；;：:，,\s|｜]{2,40}?(?:讲话|报告|发言|致辞|讲稿)")
LENGTH_NOTE = re.compile(r"^\s*\d+\s*字(?:范文稿?|文稿|稿)?")
TITLE_SEARCH_LINES = 12
SHORT_LINE = 20
LONG_LINE = 200
EDGE_TOKENS = 40


@dataclass
class Cleaned:
    title: str = ""
    raw_title: str = ""
    paras: list[Para] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)


def is_noise_line(line: str) -> bool:
    """Is this (stripped, non-empty) line page furniture rather than document text?"""
    if SYMBOLS_ONLY.fullmatch(line) or DATE_LINE.fullmatch(line) or PAGE_LINE.fullmatch(line):
        return True
    if len(line) <= 80 and (BREADCRUMB.search(line) or COLLECTION.search(line) or SITE_NAME.match(line)):
        return True
    size = len(line)
    strong = len(STRONG_NOISE.findall(line))
    if marker_at_start(line) is not None and strong < 2:
        return False
    ends = len(SENTENCE_END.findall(line))
    prose = ends >= 2 or (line.endswith(("。", "！", "!")) and line.count("，") + line.count(",") >= 2)
    if (strong and size <= 60 and not prose) or (strong >= 2 and size <= 200):
        return True
    ads = len(AD_WORDS.findall(line))
    generic = len(GENERIC_WORDS.findall(line))
    return (ads and size <= 40) or (ads + generic >= 2 and size <= 100)


def _is_short_plain(line: str) -> bool:
    return (len(line) <= SHORT_LINE and not SENTENCE_PUNCT.search(line) and marker_at_start(line) is None
            and not CLOSING_WORDS.search(line))


def _is_listed_title(line: str) -> bool:
    """A title in a "相关文档 / 推荐阅读" list at the foot of a page."""
    return len(line) <= 50 and bool(TITLE_WORDS.search(line)) and not SENTENCE_PUNCT.search(line)


def _spread_noise(lines: list[str], flags: list[bool]) -> None:
    """Short lines between noise lines, and a trailing run of short lines holding noise, are noise."""
    for i in range(1, len(lines) - 1):
        if not flags[i] and flags[i - 1] and flags[i + 1] and _is_short_plain(lines[i]) \
                and not TITLE_WORDS.search(lines[i]):
            flags[i] = True
    tail = len(lines)
    while tail > 0 and (flags[tail - 1] or _is_short_plain(lines[tail - 1]) or _is_listed_title(lines[tail - 1])):
        tail -= 1
    if any(flags[tail:]):
        for i in range(tail, len(lines)):
            flags[i] = True


def _edge_token(token: str) -> bool:
    return is_noise_line(token) or (len(token) <= 40 and not SENTENCE_PUNCT.search(token))


def _head_pieces(tokens: list[str]) -> tuple[int, list[str]]:
    """(tokens consumed, lines made) of a glued page's head: furniture up to and including the title."""
    pieces: list[str] = []
    for i, token in enumerate(tokens[:EDGE_TOKENS]):
        glued = _glued_title(token) if is_noise_line(token) else None
        if glued and glued[0] and is_noise_line(glued[0]):
            before, title, rest = glued
            return i + 1, [*pieces, before, title] + ([rest] if rest else [])
        if _title_candidate(token):
            return i + 1, [*pieces, token]
        if not _edge_token(token) or i == len(tokens) - 1:
            break
        pieces.append(token)
    return (len(pieces), pieces) if any(is_noise_line(p) for p in pieces) else (0, [])


def _explode_edges(para: Para) -> list[Para]:
    """A whole page glued into one line with spaces: its leading furniture (up to the title) and its
    trailing furniture become lines of their own, so that they can be judged as lines."""
    tokens = para.text.split()
    several_sentences = len(SENTENCE_END.findall(para.text)) >= 2
    if len(tokens) < 2 or (len(para.text) <= LONG_LINE and not several_sentences):
        return [para]
    head, pieces = _head_pieces(tokens)
    tail = len(tokens)
    while tail > head + 1 and len(tokens) - tail < EDGE_TOKENS and _edge_token(tokens[tail - 1]) \
            and not SENTENCE_END.search(tokens[tail - 1][:-1]):
        tail -= 1
    if not any(is_noise_line(t) for t in tokens[tail:]):
        tail = len(tokens)
    if head == 0 and tail == len(tokens):
        return [para]
    middle = para.text.split(maxsplit=head)[-1] if head else para.text
    middle = middle.rsplit(maxsplit=len(tokens) - tail)[0] if tail < len(tokens) else middle
    return [Para(p) for p in pieces] + [Para(middle.strip())] + [Para(t) for t in tokens[tail:]]


def _glued_title(text: str) -> tuple[str, str, str] | None:
    """(furniture before, title, rest) when a page glued without spaces holds a title near its start
    behind text that is plainly furniture."""
    limit = text.find("同志们")
    match = GLUED_TITLE_ANYWHERE.search(text, 0, min(300, limit if limit > 0 else 300))
    if not match:
        return None
    before = text[:match.start()]
    if before and len(before) > 10 and not is_noise_line(before):
        return None
    if text[match.end():match.end() + 1] in tuple("。，,；;、！!？?"):
        return None  # "……同志首先作了重要讲话。" is a sentence of the text, not its title
    return before, match.group(0), text[match.end():]


def clean_title(raw: str) -> str:
    """The title without download-site decorations ("4120字范文稿", "(精选)", "【推荐】")."""
    title = LEADING_FURNITURE.sub("", TITLE_PREFIX.sub("", raw.strip()))
    changed = True
    while changed:
        before = title
        for pattern in TITLE_SUFFIXES:
            title = pattern.sub("", title).strip()
        changed = title != before and bool(title)
    return title or raw.strip()


def _title_candidate(line: str) -> str | None:
    """The title this line is or starts with, or None."""
    head = split_at_spaces(line)[0] if len(line) > 80 else line
    glued = GLUED_TITLE.match(head)
    if glued:
        head = glued.group(1)
    if not 4 <= len(head) <= 80 or marker_at_start(head) is not None or head.startswith("同志们") \
            or AGENDA_LINE.search(head):
        return None
    if SENTENCE_PUNCT.search(head.rstrip("。")) or not _ends_as_title(head):
        return None
    return head


def _ends_as_title(line: str) -> bool:
    """Does the line end with what a document is (讲话, 方案, 要点…), or read "在……上的……"?"""
    bare = clean_title(line)
    found = list(TITLE_WORDS.finditer(bare))
    return bool(found) and (len(bare) - found[-1].end() <= TITLE_TAIL_MAX or found[-1].group(0).startswith("在"))


def _split_glued_title(paras: list[Para], noise: list[str]) -> list[Para]:
    """Without a title line, look for a title glued into the head of the first long paragraph."""
    first_long = next((i for i, p in enumerate(paras[:TITLE_SEARCH_LINES]) if len(p.text) > LONG_LINE), None)
    if first_long is None or 0 <= _find_title(paras, fallback=False)[0] < first_long:
        return paras
    found = _glued_title(paras[first_long].text)
    if found is None:
        return paras
    before, title, rest = found
    if before:
        noise.append(before)
    return [*paras[:first_long], Para(title, hint="title"), Para(rest), *paras[first_long + 1:]]


def _main_title(line: str) -> bool:
    """A short heading line that a "——在…上的讲话" subtitle line completes."""
    return 4 <= len(line) <= 40 and not SENTENCE_PUNCT.search(line) and marker_at_start(line) is None \
        and not line.startswith("同志们")


def _find_title(paras: list[Para], *, fallback: bool = True) -> tuple[int, str]:
    """(index of the title paragraph, the raw title text it holds); (-1, "") when there is none."""
    for i, para in enumerate(paras[:TITLE_SEARCH_LINES]):
        if para.hint == "title":
            return i, para.text
    window = paras[:TITLE_SEARCH_LINES]
    for i, para in enumerate(window):
        head = _title_candidate(para.text)
        if not head:
            continue
        if COLLECTION_ITEM.search(head) and i + 1 < len(window) and _title_candidate(window[i + 1].text):
            continue  # "党建理论学习要点 第1篇" above the document's own title
        return i, head
    first = paras[0].text if paras and fallback else ""
    if len(CJK.findall(first)) >= 4 and len(first) <= 40 and not SENTENCE_PUNCT.search(first) \
            and marker_at_start(first) is None and not first.startswith("同志们") and _body_follows(paras, 0) \
            and not SPEAKER_LINE.search(first) and not AGENDA_LINE.search(first):
        return 0, first
    return -1, ""


def _body_follows(paras: list[Para], index: int) -> bool:
    """Does the text proper start right after paragraph ``index`` (a salutation, a marker, prose)?"""
    if index + 1 >= len(paras):
        return False
    after = paras[index + 1].text
    return after.startswith("同志们") or marker_at_start(after) is not None or len(after) > 60


def _split_title(paras: list[Para], index: int, raw: str) -> tuple[int, str]:
    """A title broken over two lines ("区委书记在2025年全区基层" / "党建工作述职评议会上的点评"): the
    short line above completes it when only together they read "在……上的……"."""
    if index < 1 or not raw.startswith(paras[index].text[:len(raw)]):
        return index, raw
    above = paras[index - 1].text
    joined = above + raw
    if _main_title(above) and not TITLE_WORDS.search(above) and re.search(r"在.{2,40}上的", joined) \
            and not re.search(r"在.{2,40}上的", raw):
        return index - 1, joined
    return index, raw


def _strip_furniture(para: Para, noise: list[str]) -> Para | None:
    text = para.text
    hidden = HIDDEN_TEXT.search(text)
    if hidden:  # "……此处隐藏1122个字……": the site hid the middle; what stands on either side is not one sentence
        noise.append(hidden.group(0).strip())
        text = text[:hidden.start()].rstrip() + "\n" + text[hidden.end():].lstrip()
    for pattern in (TRAILING_FURNITURE, LEADING_FURNITURE, LENGTH_NOTE):
        match = pattern.search(text)
        if match:
            noise.append(match.group(0).strip())
            text = (text[:match.start()] + text[match.end():]).strip()
    if not text:
        return None
    para.text = text
    return para


def clean(paras: list[Para]) -> Cleaned:
    """Separate the document from its noise and find its title."""
    kept = []
    for para in paras:
        para.text = para.text.strip()
        if para.text:
            kept += _explode_edges(para) if para.marker is None else [para]
    flags = [p.marker is None and not p.hint and is_noise_line(p.text) for p in kept]
    _spread_noise([p.text for p in kept], flags)
    result = Cleaned(noise=[p.text for p, flag in zip(kept, flags, strict=True) if flag])
    body = [p for p, flag in zip(kept, flags, strict=True) if not flag]
    body = [p for p in (_strip_furniture(p, result.noise) for p in body) if p is not None]
    body = _split_glued_title(body, result.noise)
    index, raw = _find_title(body)
    if index < 0:
        result.paras = body
        return result
    joined_index, joined = _split_title(body, index, raw)
    if joined_index != index:
        body[joined_index] = Para(joined + body[index].text[len(raw):])
        del body[index]
        index, raw = joined_index, joined
    result.raw_title, result.title = raw, clean_title(raw)
    if raw.startswith(("—", "-")) and index > 0 and _main_title(body[index - 1].text):
        index -= 1  # "凝心聚力 狠抓落实" above "——在全县党建工作会议上的讲话": one title
        result.title = f"{body[index].text}{clean_title(raw)}"
        body[index] = Para(body[index].text + raw)
        result.raw_title = raw = body[index].text
    for para in body[:index]:  # before the title: the page's header, unless it is real text
        if len(para.text) <= 60:
            result.noise.append(para.text)
        else:
            result.paras.append(para)
    rest = body[index].text[len(raw):].strip()
    result.paras += ([Para(rest)] if rest else []) + body[index + 1:]
    return result
