"""Sentences that read like duties but are talk about them: a speaker's questions and asides, what
others said (quoted as background), and the work already done. Each answer names its reason, which
the review page shows beside the struck-through sentence so that a clerk can restore it.
"""

from __future__ import annotations

import re

from .words import either

QUESTION = "设问"
ASIDE = "讲话人的插话"
QUOTATION = "引述的背景"
ACHIEVEMENT = "已完成的工作或成绩"
NARRATIVE = "会议经过的叙述"

QUESTION_RE = re.compile(r"[？?]|(?:吗|呢)[。！!]?$")
# The speaker talking about himself or the audience, not asking anything of anyone.
SELF = r"^(?:同志们[：:])?(?:[^，,。]{0,12}[，,])?(?:我|我们|大家)"
ASIDE_RE = re.compile(
    SELF + r"(?:常讲|常说|经常讲|经常说|一直讲|多次讲|曾经讲|讲过|说过|深感|注意到|了解到|听了|代表|"
    r"都同意|都赞同|完全同意|"
    r"就讲|讲[两三四五六七八九十几]点|(?:更要|要|必须|也要|更加)?清醒地?(?:看到|认识到)|更要看到)"
    r"|^(?:过去|以前|有人|常言)(?:说|讲|常说)|^同志们[：:]|我要更正|这里我|下面[，,]?我|总的感觉|应该说|感觉|以期|期待|"
    + either("很高兴 非常高兴 借此机会 首先我代表 说明大家 可以说 毋庸讳言 实事求是地讲 坦率地讲 说实话")
)
# Opinions are asides unless they go on to ask for something ("我认为，各级党组织要……").
OPINION_RE = re.compile(SELF + r"(?:认为|觉得|感到|相信|想)")
# What the centre, a leader or a document said, given as the ground a speech stands on; "按照《…》
# 要求，持续开展……" builds on it and is a duty.
QUOTATION_RE = re.compile(
    r"^[^，,。；;]{0,20}?(?:总书记|党中央|中央|中组部|中纪委|国务院|省委|《[^》]{2,40}》)[^，,。；;]{0,12}?"
    r"(?:(?:强调|指出|要求|提出|明确|规定|反复强调)[，,：:“]|三令五申|(?:印发|下发|出台)了?《)"
    r"|^(?:正如|诚如|古人云|古语说|俗话说)"
    r"|(?:总书记|党中央)[^。；;]{0,30}?(?:始终强调|反复强调|强调指出|指出|强调)"
)
BUILDS_ON = re.compile(r"^(?:按照|根据|依据|对照|落实|贯彻|执行|结合|围绕|认真|坚决|严格)")
# Work done: completions, counts of what was done, verbs in the past (…了), praise of results.
DONE_RE = re.compile(
    r"已有|已经|已于|已完成|目前已|业已|先后(?:召开|开展|出台|制定)|累计|一年来|以来|"
    r"(?<![为除])(?<!不得)(?:了)(?![解然如结却])|"
    + either("""
        取得成效 取得明显成效 取得显著成效 成效明显 成效显著 初具规模 开始起步 初步完善 初步整改 初步建立
        走在了 走在前列
        新台阶 呈现出 亮点纷呈 可圈可点 有目共睹 明显提升 明显增强 更加凸显 如数家珍 娓娓道来 做了交流 上刊发 得到肯定
        受到表彰
    """)
)
DIRECTIVE_RE = re.compile(r"(?<![重主需必只首纲提简摘概想紧])要(?![求点素害务事闻件义领])"
                          r"|必须|务必|应当|确保|力争|坚决")
STILL_WRONG_RE = re.compile(r"尚|仍|依然|还存在")  # a shortcoming reported in the past tense is still one
NARRATIVE_RE = re.compile(r"^(?:\d{1,2}月\d{1,2}日|近日|近期|日前|会前|会上|会后|会议由|会议采取|大会由|本次大会|此次)")


def reason_of(sentence: str) -> str | None:
    """Why ``sentence`` is talk rather than a duty, or None when it may be one."""
    text = sentence.strip()
    if QUESTION_RE.search(text):
        return QUESTION
    if ASIDE_RE.search(text) or (OPINION_RE.search(text) and not DIRECTIVE_RE.search(text)):
        return ASIDE
    if QUOTATION_RE.search(text) and not BUILDS_ON.search(text):
        return QUOTATION
    if NARRATIVE_RE.search(text):
        return NARRATIVE
    if DONE_RE.search(text) and not DIRECTIVE_RE.search(text) and not STILL_WRONG_RE.search(text):
        return ACHIEVEMENT
    return None
