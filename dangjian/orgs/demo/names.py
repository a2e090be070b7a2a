"""Fictitious Chinese personal and place names for the demo data.

Surnames are weighted by their approximate share of the population (per mille); given names are
drawn from pools that follow the fashion of the birth cohort, so a 1950s member is 秀英 or 建国 and
a 2000s member 欣怡 or 子轩.
"""

from __future__ import annotations

import random

_SURNAMES = (
    "王71 李70 张68 刘54 陈46 杨31 黄25 赵23 吴20 周20 徐16 孙15 马14 朱13 胡13 郭12 何12 高11 林11 罗10 "
    "郑10 梁9 谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董5 袁5 潘5 于5 蒋5 蔡5 余5 杜5 叶5 程5 "
    "苏4 魏4 吕4 丁4 任4 沈4 姚4 卢4 姜4 崔3 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 贾3 夏3 韦3 付3 方3 白3 "
    "邹3 孟3 熊3 秦3 邱3 江3 尹3 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 "
    "严2 覃2 武2 戴2 莫2 孔2 向2 汤2 常1 温1 康1 施1 文1 牛1 樊1 葛1 邢1 安1 齐1 易1 乔1 伍1 庞1 颜1 "
    "倪1 庄1 聂1 章1 鲁1 岳1 翟1 殷1 詹1 申1 欧1 耿1 关1 兰1 焦1 俞1 左1 柳1 甘1 祝1 包1 宁1 尚1 符1 "
    "舒1 阮1 柯1 纪1 梅1 童1 凌1 毕1 单1 季1 裴1 霍1 涂1 成1 苗1 谷1 盛1 曲1 翁1 冉1 骆1 蓝1 路1 游1 "
    "辛1 靳1 欧阳1 管1 柴1 蒙1 鲍1 华1 喻1 祁1 蒲1 房1 滕1 屈1 饶1 解1 牟1 艾1 尤1 阳1 时1 穆1 农1 "
    "司1 卓1 古1 吉1 缪1 简1 车1 项1 连1 芦1 麦1 褚1 娄1 窦1 戚1 岑1 景1 党1 宫1 费1 卜1 冷1 晏1 席1"
)


def _parse_weighted(text: str) -> tuple[list[str], list[int]]:
    names, weights = [], []
    for item in text.split():
        split = next(i for i, ch in enumerate(item) if ch.isdigit())
        names.append(item[:split])
        weights.append(int(item[split:]))
    return names, weights


SURNAMES, SURNAME_WEIGHTS = _parse_weighted(_SURNAMES)

# Whole given names by birth cohort and gender: (cohort start year, male names, female names).
_COHORT_NAMES = (
    (1900, "建国 建华 建军 国庆 国强 国华 卫东 卫国 志强 志刚 振华 德明 德胜 福生 长顺 金山 玉林 树林 保国 永福 "
           "有才 文华 学军 红旗 跃进 解放 胜利 海山 天佑 寿山 德贵 长林 广福 宝山 春生 玉堂",
           "秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 兰英 秀珍 翠花 素芬 美英 淑华 春兰 冬梅 红梅 爱华 丽华 玉梅 "
           "凤兰 桂芝 秀芳 玉芬 月英 金凤 素珍 秀云 淑英 玉英"),
    (1960, "伟 勇 军 强 斌 涛 明 刚 平 辉 建平 海涛 志勇 永刚 红军 晓东 春生 立新 新民 建新 卫华 志明 国平 "
           "小平 建伟 海峰 永强 宏伟 文军 振宇 向阳 东升 庆华 家明",
           "丽 红 敏 静 芳 燕 霞 艳 丽娟 红霞 晓燕 海燕 春燕 桂芳 丽萍 秀梅 玉霞 彩霞 小红 建英 爱玲 丽君 "
           "晓红 淑芬 翠兰 月华 晓梅 红英 素梅 雪梅"),
    (1980, "磊 鹏 杰 浩 超 亮 帅 宇 鑫 凯 晨 俊杰 文博 志伟 海洋 建伟 晓明 飞 龙 阳 旭 波 俊 峰 振 "
           "明辉 建华 晓峰 子健 天宇 文涛 宏亮 永康 思源",
           "婷 娜 倩 雪 琳 莹 晶 丹 佳 静怡 婷婷 丽丽 晓丽 雪梅 文静 欣 慧 颖 琪 洁 璐 瑶 晓雪 佳佳 "
           "梦琪 思思 晓婷 雅琴 蕾 露"),
    (1995, "浩然 子轩 宇航 博文 俊熙 一鸣 天佑 子豪 思远 皓轩 嘉豪 明轩 晨阳 浩宇 梓豪 子墨 宇轩 铭泽 "
           "俊宇 博涛 逸飞 睿 泽宇 家乐 嘉诚 浩 锦程 子航",
           "欣怡 梓涵 诗涵 雨萱 可馨 佳怡 思琪 雨桐 紫涵 一诺 语嫣 梦瑶 晓彤 心怡 子涵 雨欣 嘉怡 思雨 "
           "梦洁 可欣 佳琪 欣悦 若曦 诗琪 雅婷 一涵 婉清 晨曦"),
)
COHORTS = [(year, male.split(), female.split()) for year, male, female in _COHORT_NAMES]

# Characters for composed two-character given names, when a member's name is not from the cohort list.
MALE_CHARS = "伟强军明华建国志文海平东林峰杰斌涛刚勇辉波宏俊鹏飞磊永德庆晓春立新兴良成"
FEMALE_CHARS = "丽芳秀英华玉兰梅敏静燕红霞琴娟萍艳雪婷洁慧莉娜桂凤琳颖倩佳月云"


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, birth_year: int, gender: str) -> str:
    cohort = [c for c in COHORTS if c[0] <= birth_year][-1]
    pool = cohort[1] if gender == "M" else cohort[2]
    if rng.random() < 0.7:
        return rng.choice(pool)
    chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
    return rng.choice(chars) + rng.choice(chars)


def person_name(rng: random.Random, birth_year: int, gender: str) -> str:
    return surname(rng) + given_name(rng, birth_year, gender)


def _words(text: str) -> list[str]:
    """Space-separated Chinese words: easier to read and edit than a list of quoted strings."""
    return text.split()


# -- places --------------------------------------------------------------------------------------
_TOWN_FIRST = "东西南北新老高长石青白黄红金龙凤马杨柳桃梅松竹花双三五太永丰安和兴福大小上下"
_TOWN_SECOND = "山河湖岭坪桥店集庄湾口岗沟坝塘铺寨堡溪林园港川泉城"
_URBAN_FIRST = "东西南北新文建朝凤龙锦翠滨华和中光胜迎春秀明"
_URBAN_SECOND = "城苑湖华昌兴安宁阳江园山门桥"
_VILLAGE_AUSPICIOUS = _words(
    "红星 新华 胜利 光明 东风 前进 丰收 永安 太平 和平 联合 五星 三合 团结 幸福 兴旺 长青 民主 建设 "
    "向阳 红旗 友谊 先锋 新民 富民 新农 金星 双喜 东升 卫星 繁荣 新建 东方 火炬 群英 和睦"
)
_VILLAGE_SUFFIX = "庄营集湾坪岗寨屯坡洼店铺沟岭"
_COMMUNITY_FIRST = "幸阳和锦文滨翠龙东金春花丽康兴永安新绿怡馨美嘉福惠"
_COMMUNITY_SECOND = "福光谐绣化河苑泉方桥晖园景乐隆安华城州景荫湾苑"
_BRANDS = _words(
    "鑫达 宏远 华兴 恒通 瑞丰 金泰 永盛 天成 鼎盛 盛世 嘉禾 泰和 润发 宇辰 德隆 佳和 信达 博远 "
    "汇通 腾飞 凯瑞 正泰 丰源 绿源 昌盛 宏达 新锐 中诚 锦程 广厦 顺发 众鑫 益民 百川"
)
_INDUSTRIES = _words(
    "机械制造 食品 建材 纺织 电子科技 物流 农业开发 新能源 服装 包装 化工 医药 家具 印务 "
    "汽车配件 生态农业 茶业 商贸 网络科技 环保科技"
)
PROJECTS = _words("高速公路建设 水库除险加固 产业园区建设 乡村振兴驻村工作队 老旧小区改造 防汛抗旱")
FLOW_OUT_PLACES = _words(
    "广东省深圳市 广东省广州市 广东省东莞市 浙江省杭州市 浙江省宁波市 江苏省苏州市 上海市 北京市 "
    "福建省厦门市 天津市 江苏省南京市 湖北省武汉市"
)
FLOW_IN_PLACES = _words("河南省 四川省 安徽省 湖南省 江西省 贵州省 重庆市 甘肃省 山东省 河北省")
ETHNIC_MINORITIES = _words("回族 满族 土家族 苗族 壮族 蒙古族 彝族 侗族")


class NamePool:
    """Hands out place names that are unique within one pool (a county's towns, a town's villages)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def take(self, make) -> str:
        for _ in range(200):
            name = make(self.rng)
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("演示地名用尽")

    def town(self) -> str:
        return self.take(lambda r: r.choice(_TOWN_FIRST) + r.choice(_TOWN_SECOND))

    def street(self) -> str:
        return self.take(lambda r: r.choice(_URBAN_FIRST) + r.choice(_URBAN_SECOND))

    def village(self) -> str:
        return self.take(_village_name)

    def community(self) -> str:
        return self.take(lambda r: r.choice(_COMMUNITY_FIRST) + r.choice(_COMMUNITY_SECOND))

    def enterprise(self, place: str) -> str:
        return self.take(lambda r: f"{place}{r.choice(_BRANDS)}{r.choice(_INDUSTRIES)}有限公司")


def _village_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(_VILLAGE_AUSPICIOUS)
    if roll < 0.75:
        return rng.choice(SURNAMES[:60]) + rng.choice(("家", "")) + rng.choice(_VILLAGE_SUFFIX)
    return rng.choice(_TOWN_FIRST) + rng.choice(_VILLAGE_SUFFIX)
