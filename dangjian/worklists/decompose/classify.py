"""What a sentence is (problem, task, responsibility) and what it says about who, how often and by when.

- responsibility: a named department or role is the subject and has a duty (组织部门要…, 班子成员要履行…);
- problem: the sentence describes or names shortcomings (有的…不到位; …等突出问题; 破解慢作为、不作为问题);
- task: what must be done (要…, 必须…, or a sentence that starts with an action: 推进…, 落实…, 加强…).
A sentence that is none of these (a statement, a slogan, a review of last year) is not an item.
"""

from __future__ import annotations

import re

from .owners import GENERAL, ROLE, Vocabulary
from .words import either

# A clause that starts with one of these is an action, not a role ("组织动员…", not "组织部门").
NOT_OWNER_START = "(?!" + either("""
    要 把 对 在 以 从 将 按 通过 围绕 坚持 加强 推进 推动 落实 强化 深化 健全 完善 抓 做 让 使 由 为 关于 着力 加快
    加大 全面 进一步 持续 积极 认真 扎实 确保 切实 充分 不断 努力 及时 严格 注重 探索 建立 实施 开展 提升 提高 打造
    引导 选 配 下 发挥 指导 督促 帮助 支持 鼓励 推行 规范 明确 压实 加紧 整合 统筹 教育 管理 服务 引领 带领 带动
    动员 团结 依托 一些 有的 有些 个别 少数 部分 多数 不少
""") + "|组织(?!部))"
DUTY = either("""
    要 必须 务必 应当 应 需要 负责 牵头 履行 承担 担负 扛起 切实 带头 率先 是 开展 召开 组织 落实 完成 推进 建立
    制定 加强 做好 抓好 讲 收缴 通报 报送 上报 检查 督查 指导
""")
QUALIFIER = r"(?:[（(][^）)]{1,8}[)）])?(?:“[^”]{1,8}”)?"  # 乡镇（街道）, 各单位“一把手”
WHEN = r"(?:每(?:个|一)?(?:月|季度?|半年|年)(?:至少)?|定期|按时|按月|及时|[^，,。；;]{1,6}前)?"
OWNER_RE = re.compile(
    r"(?:^|(?<=[，,。；;：:！？!?\s｜|]))"
    rf"(?P<owner>{NOT_OWNER_START}[^，,。；;：:！？!?\s“”《》「」了的]{{0,12}}?{ROLE}{QUALIFIER})"
    rf"们?(?:都|也|还|则|均|尤其|更|首先)?[，,]?{WHEN}(?:认真|严格|切实|主动|自觉|带头|坚决|全力|全面|要)?(?P<duty>{DUTY})(?!生活|建设|力|体系|覆盖|人|同志)"
)
LABELS = either("责任单位 牵头单位 责任部门 配合单位 协办单位 责任人 责任领导 分管领导 牵头领导 责任主体")
LABEL_RE = re.compile(rf"{LABELS}\s*[:：]\s*(?P<names>[^；;。（）()\n｜|]+)")
LED_BY_RE = re.compile(rf"由(?P<owner>[^，,。；;：:\s]{{0,12}}?{ROLE})(?:牵头|负责|组织)")
OWNER_JOIN = re.compile(r"[、和及与]")
ROLE_END = re.compile(rf"{ROLE}{QUALIFIER}$")
DUTY_OF_IS = re.compile(r"责任|职责|第一|要")

FREQUENCY_RE = re.compile(
    r"(?P<half>每半年|(?<![上下前后])半年(?:组织|开展|召开|举办|进行|至少)?[一1]次"
    r"|(?:每|一)年(?:至少)?(?:组织|开展|召开)?[两二2]次|半年度)"
    r"|(?P<quarter>每(?:个|一)?季度?|(?:一个?|1个?)季度(?:[^，,。；;]{0,6})?[一1]次|季度[一1]次|按季度?|逐季度?)"
    r"|(?P<month>每(?:个|一)?月|一个?月(?:[^，,。；;]{0,4})?[一1]次|按月|逐月|月度)"
    r"|(?P<year>每(?:一)?年(?:度)?|一年(?:至少)?[一1]次|一年一度|年度[一1]次|按年度)"
)
FREQUENCIES = {"month": "monthly", "quarter": "quarterly", "half": "half-yearly", "year": "yearly"}
NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
BEFORE = r"(?:前|之前|以前)?"
DEADLINE_RE = re.compile(
    rf"(?:\d{{4}}年)?{NUM}月{NUM}日{BEFORE}"
    rf"|(?:\d{{4}}年)?{NUM}月(?:底|末|中旬|上旬|下旬|份){BEFORE}"
    rf"|(?:\d{{4}}年)?{NUM}月(?:前|之前|以前)"
    rf"|(?:今年|本年|明年|当年|\d{{4}}年)?(?:年底|年末|年中|年内){BEFORE}"
    r"|(?:\d{4}年)?(?:第[一二三四1-4]季度|[一二三四1-4]季度(?:末|底|前))(?:末|底|前|内)?"
    r"|(?:今年|\d{4}年)?[上下]半年(?=[内前底末]?(?:完成|实现|到位|前|内|底|末))[内前底末]?"
    r"|(?:\d+|[一二三四五六七八九十两]+)个?(?:工作日|日|天|周|个月)内"
)

DEFICIENCY = re.compile(either("""
    短板 不足 差距 薄弱 不到位 滞后 形式主义 官僚主义 宽松软 不力 不作为 慢作为 乱作为 软弱涣散 补记录 凑次数 两张皮
    走过场 虚化 弱化 淡化 边缘化 缺位 缺失 隐形变异 不规范 不严格 不扎实 不平衡 不充分 不够 不实 不高 不强 不深 不细
    不严 不准 没人抓 不会抓 抓不好 有令不行 有禁不止 下有对策 微腐败 保护伞 四风 反弹 突出问题 问题突出 顽瘴痼疾
    失职 失责 懈怠 懒政 庸政 怠政 不担当 不落实 推诿 扯皮 流于形式 敷衍 空转 偏软 偏弱 较弱 松懈
"""))
# Remedies and names that contain a deficiency word but describe no shortcoming.
REMEDY = re.compile(either("""
    补齐短板 补短板 补强短板 找准差距 查找差距 缩小差距 找差距 弥补不足 克服不足 查不足 补不足 问题清单 问题导向
    不足额 不断
"""))
DESCRIPTIVE = re.compile(either("""
    有的 有些 一些 个别 少数 部分 仍然 依然 还存在 仍存在 存在 尚未 亟待 亟需 还不 依旧 往往 普遍 仍有
"""))
PROBLEM_NOUN = re.compile(either("问题 现象 短板 不足 差距 隐患 风险 漏洞 弱项"))
MODAL = re.compile(r"(?<![重主需必只首纲提简摘概想紧])要(?![求点素害务事闻件义领])|"
                   + either("必须 务必 应当 需要 一定 不能 不得 严禁 禁止 决不 绝不 坚决"))
ACTION_START = re.compile(r"(?:[^，,。；;]{0,30}[，,])?" + either("""
    进一步 切实 着力 持续 积极 认真 扎实 大力 全面 深入 坚持 加强 推进 推动 落实 抓 健全 完善 强化 深化 建立 实施
    开展 提升 提高 打造 做好 做到 确保 规范 创新 巩固 优化 组织 引导 培育 加大 加快 严查 严惩 严格 整治 防止 克服
    杜绝 注重 按照 采取 继续 不断 努力 探索 聚焦 突出 围绕 发挥 把 将 通过 结合 用好 管好 带好 筑牢 夯实 激发 营造
    实现 力争 争取 督促 指导 帮助 定期 每月 每季 每半年 每年 及时 严肃 统筹 选派 选优 建强 压实 细化 明确 制定 召开
    举办 建设 创建 完成 实行 推行 落细 抓好 抓实 抓紧 树立 更加 坚定 增强 发扬 弘扬 维护 保持 贯彻 学习 宣传 推广
    培训 选拔 扩大 擦亮 保障 改善 以
"""))
STATEMENT = re.compile(r"[^。；;]{0,30}?(?:(?<![特别尤其但还或凡于正总就只])是(?!否)|在于|源于|关键在)")
META = re.compile(r"[：:]$|(?:看到|认识到|看清)[^。；;]{0,10}(?:问题|不足|差距)"
                  r"|[一二三四五六七八九十几两]点(?:意见|要求|希望)|"
                  + either("以下 如下 下面 几方面 讲几点 强调几点 主要任务是"))
# "一些领导干部不以身作则", "有些地区……没有落到实处": some of them fail to do something.
SOME_FAIL = re.compile(r"^(?:[^，,。；;]{0,6}[，,])?(?:至今)?(?:仍有|还有|有的|有些|一些|个别|少数|部分|相当一些|不少)"
                       r"[^。；;]{0,30}?(?:没有|未能|未|不)")


def _clean_for_problems(text: str) -> str:
    return REMEDY.sub("", text)


def is_directive(text: str) -> bool:
    if MODAL.search(text):
        return True
    return bool(ACTION_START.match(text)) and not STATEMENT.match(text)


def split_owners(phrase: str) -> list[str]:
    """"各级党组织和领导干部" → ["各级党组织", "领导干部"]; a piece that names no role stays attached."""
    pieces = [p for p in OWNER_JOIN.split(phrase) if p]
    if len(pieces) > 1 and all(ROLE_END.search(p) for p in pieces):
        return pieces
    return [phrase]


def subject_owners(text: str, vocabulary: Vocabulary = GENERAL) -> list[str]:
    """Roles that stand as the subject of a duty (组织部门要…, 班子成员履行…), when the vocabulary
    knows them: "而是要用品格和人格带班子" ends in a role word but names nobody."""
    owners = []
    for match in OWNER_RE.finditer(text):
        if match.group("duty") == "是" and not DUTY_OF_IS.search(text[match.end():]):
            continue
        owners += [owner for owner in split_owners(match.group("owner")) if vocabulary.is_owner(owner)]
    return owners


def labelled_owners(text: str, vocabulary: Vocabulary = GENERAL) -> list[str]:
    """Roles named by a label (责任单位：…) or by 由…牵头."""
    owners = []
    for match in LABEL_RE.finditer(text):
        owners += [name.strip() for name in re.split(r"[、，,和及/]", match.group("names"))
                   if vocabulary.is_owner(name.strip(), labelled=True)]
    owners += [match.group("owner") for match in LED_BY_RE.finditer(text) if vocabulary.is_owner(match.group("owner"))]
    return owners


def owners_of(text: str, vocabulary: Vocabulary = GENERAL) -> list[str]:
    return list(dict.fromkeys(subject_owners(text, vocabulary) + labelled_owners(text, vocabulary)))


def frequency_of(text: str) -> str | None:
    match = FREQUENCY_RE.search(text)
    return FREQUENCIES[match.lastgroup] if match else None


def deadline_of(text: str) -> str | None:
    match = DEADLINE_RE.search(text)
    return match.group(0) if match else None


def is_meta(text: str) -> bool:
    """An announcement of what follows ("重点强调三方面意见：") rather than content."""
    return bool(META.search(text.rstrip("。")))


def kind_of(text: str) -> str | None:
    """problem / task / responsibility, or None for a sentence that is no item."""
    if is_meta(text):
        return None
    plain = _clean_for_problems(text)
    deficits = len(DEFICIENCY.findall(plain))
    directive = is_directive(text)
    if deficits and (DESCRIPTIVE.search(plain) or not directive):
        return "problem"
    if SOME_FAIL.search(plain) and not MODAL.search(text):
        return "problem"
    if subject_owners(text):
        return "responsibility"
    if deficits >= 2:  # "破解慢作为、不作为、乱作为问题": the shortcomings are the point
        return "problem"
    if directive:  # a duty that names the shortcoming it deals with ("着力解决突出问题") is a duty
        return "task"
    return "problem" if deficits and PROBLEM_NOUN.search(plain) else None
