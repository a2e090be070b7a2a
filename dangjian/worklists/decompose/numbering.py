"""Word's automatic list numbering (numbering.xml), rebuilt as the markers a reader sees.

A numbered paragraph holds only a reference (numId, ilvl) — in its own properties or in its style;
the definition (start, format, text such as "%1、" or "（%1）") lives in an abstract numbering that
several lists may share. Counters run per abstract numbering, as in Word, unless a list restarts it.
"""

from __future__ import annotations

import re

from docx.oxml.ns import qn

from .markers import Marker

LEVELS = 9
CN_SMALL = "〇一二三四五六七八九"
LEGAL = "零壹贰叁肆伍陆柒捌玖"
HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
PLACEHOLDER = re.compile(r"%([1-9])")


def _val(element, tag: str, default: str | None = None) -> str | None:
    if element is None:
        return default
    child = element.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def chinese(n: int, digits: str = CN_SMALL, ten: str = "十") -> str:
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + ten + (digits[ones] if ones else "")


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    """``n`` written in Word's number format ``fmt``."""
    formats = {
        "decimal": lambda: str(n),
        "decimalZero": lambda: f"{n:02d}",
        "decimalFullWidth": lambda: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "decimalEnclosedCircle": lambda: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
        "decimalEnclosedCircleChinese": lambda: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
        "decimalEnclosedParen": lambda: f"({n})",
        "decimalEnclosedFullstop": lambda: f"{n}.",
        "chineseCounting": lambda: chinese(n),
        "chineseCountingThousand": lambda: chinese(n),
        "japaneseCounting": lambda: chinese(n),
        "taiwaneseCounting": lambda: chinese(n),
        "ideographDigital": lambda: "".join(CN_SMALL[int(d)] for d in str(n)),
        "chineseLegalSimplified": lambda: chinese(n, LEGAL, "拾"),
        "ideographLegalTraditional": lambda: chinese(n, LEGAL, "拾"),
        "ideographTraditional": lambda: HEAVENLY[n - 1] if 0 < n <= 10 else str(n),
        "ideographZodiac": lambda: ZODIAC[n - 1] if 0 < n <= 12 else str(n),
        "lowerLetter": lambda: letter(n),
        "upperLetter": lambda: letter(n).upper(),
        "lowerRoman": lambda: roman(n),
        "upperRoman": lambda: roman(n).upper(),
        "none": lambda: "",
    }
    return formats.get(fmt, formats["decimal"])()


class ListNumbering:
    """Markers for a document's numbered paragraphs, counted in document order."""

    def __init__(self, document):
        self.abstracts: dict[str, dict[int, object]] = {}
        self.style_links: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, object]]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[object, list[int | None]] = {}
        self._load_numbering(document)
        self._load_styles(document)

    def _load_numbering(self, document) -> None:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            key = abstract.get(qn("w:abstractNumId"))
            self.abstracts[key] = {_int(lvl.get(qn("w:ilvl")), 0): lvl for lvl in abstract.findall(qn("w:lvl"))}
            link = _val(abstract, "w:numStyleLink")
            if link:
                self.style_links[key] = link
        for num in root.findall(qn("w:num")):
            overrides = {}
            for override in num.findall(qn("w:lvlOverride")):
                start = _val(override, "w:startOverride")
                overrides[_int(override.get(qn("w:ilvl")), 0)] = (
                    _int(start, 1) if start is not None else None, override.find(qn("w:lvl")))
            self.nums[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId"), overrides)

    def _load_styles(self, document) -> None:
        for style in document.styles.element.findall(qn("w:style")):
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            self.styles[style.get(qn("w:styleId"))] = (
                _val(style, "w:basedOn"), _val(numpr, "w:numId"), _val(numpr, "w:ilvl"))

    def _style_reference(self, style_id: str | None) -> tuple[str | None, str | None]:
        num_id = ilvl = None
        for _ in range(10):  # basedOn chains are short; a loop in a broken file must end
            if style_id not in self.styles:
                break
            based_on, own_num, own_ilvl = self.styles[style_id]
            num_id = num_id or own_num
            ilvl = ilvl or own_ilvl
            style_id = based_on
        return num_id, ilvl

    def _levels(self, num_id: str) -> tuple[str, dict[int, object]] | None:
        if num_id not in self.nums:
            return None
        abstract_id = self.nums[num_id][0]
        link = self.style_links.get(abstract_id)
        if link and not self.abstracts.get(abstract_id):
            linked_num, _ = self._style_reference(link)
            if linked_num in self.nums and linked_num != num_id:
                abstract_id = self.nums[linked_num][0]
        return abstract_id, self.abstracts.get(abstract_id, {})

    def _reference(self, paragraph) -> tuple[str | None, int]:
        ppr = paragraph.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id, ilvl = _val(numpr, "w:numId"), _val(numpr, "w:ilvl")
        if num_id is None or ilvl is None:
            style_num, style_ilvl = self._style_reference(_val(ppr, "w:pStyle"))
            num_id, ilvl = num_id or style_num, ilvl or style_ilvl
        return num_id, _int(ilvl, 0)

    def marker_for(self, paragraph) -> Marker | None:
        """The marker Word shows before this paragraph (a ``w:p`` element), or None."""
        num_id, ilvl = self._reference(paragraph)
        if not num_id or num_id == "0" or not 0 <= ilvl < LEVELS:
            return None
        found = self._levels(num_id)
        if found is None:
            return None
        abstract_id, levels = found
        overrides = self.nums[num_id][1]
        definition = self._definition(levels, overrides, ilvl)
        if definition is None:
            return None
        restarted = any(start is not None for start, _ in overrides.values())
        counters = self.counters.setdefault((abstract_id, num_id) if restarted else abstract_id, [None] * LEVELS)
        counters[ilvl] = self._start(levels, overrides, ilvl) if counters[ilvl] is None else counters[ilvl] + 1
        counters[ilvl + 1:] = [None] * (LEVELS - ilvl - 1)
        style = f"docx:{abstract_id}:{ilvl}"
        if _val(definition, "w:numFmt", "decimal") == "bullet":
            return Marker("•", style, None)
        text = self._render(levels, overrides, counters, ilvl).strip()
        return Marker(text or "•", style, counters[ilvl])

    def _definition(self, levels, overrides, ilvl):
        override = overrides.get(ilvl)
        if override is not None and override[1] is not None:
            return override[1]
        return levels.get(ilvl)

    def _start(self, levels, overrides, ilvl: int) -> int:
        override = overrides.get(ilvl)
        if override is not None and override[0] is not None:
            return override[0]
        return _int(_val(self._definition(levels, overrides, ilvl), "w:start"), 1)

    def _render(self, levels, overrides, counters, ilvl: int) -> str:
        definition = self._definition(levels, overrides, ilvl)
        legal = definition.find(qn("w:isLgl")) is not None

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            value = counters[level] if level < LEVELS and counters[level] is not None else None
            if value is None:
                value = self._start(levels, overrides, level)
            fmt = "decimal" if legal else _val(self._definition(levels, overrides, level), "w:numFmt", "decimal")
            return format_number(value, fmt)

        return PLACEHOLDER.sub(number, _val(definition, "w:lvlText", "") or "")
