"""Small facts about Chinese text shared by the reader, the parser and the segmenter."""

from __future__ import annotations

import re
from functools import cache

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Character class body for Han characters (CJK unified ideographs, extension A, compatibility)."""

HAN_RE = re.compile(f"[{HAN}]")
CN_DIGITS = "零〇一二三四五六七八九十百两"


@cache
def _t2s() -> object | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency; stay usable without it
        return None
    return opencc.OpenCC("t2s")


@cache
def _t2s_table() -> tuple[dict[int, str], re.Pattern[str]] | None:
    """What OpenCC's t2s does to each character of the Basic Multilingual Plane from U+2E80 on
    (CJK radicals onwards), as a ``str.translate`` table of the characters it changes into one
    other character, and a pattern matching any of them or any character beyond the BMP (whose
    conversion is looked up when met: converting all of them would take a fifth of a second).

    Each character is converted on its own (joined by line breaks, which no OpenCC phrase spans),
    as :func:`simplified_shadow` always did, so the table gives the same answer. Built once, in a
    few milliseconds."""
    conv = _t2s()
    if conv is None:
        return None
    chars = [chr(i) for i in range(_FIRST_CONVERTED, 0x10000) if not 0xD800 <= i <= 0xDFFF]
    converted = conv.convert("\n".join(chars)).split("\n")  # type: ignore[attr-defined]
    if len(converted) != len(chars):  # pragma: no cover - OpenCC kept every line so far
        raise RuntimeError("OpenCC t2s changed the number of lines")
    table = {ord(a): b for a, b in zip(chars, converted, strict=True) if len(b) == 1 and a != b}
    pattern = re.compile("[" + "".join(map(re.escape, map(chr, table))) + "\U00010000-\U0010FFFF]")
    return table, pattern


_FIRST_CONVERTED = 0x2E80
_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")


@cache
def _t2s_astral(ch: str) -> str:
    """OpenCC t2s of one character beyond the BMP: itself unless t2s makes it one other."""
    out: str = _t2s().convert(ch)  # type: ignore[attr-defined]
    return out if len(out) == 1 else ch


def simplified_shadow(text: str) -> str:
    """The text with traditional characters mapped to simplified ones, one character for one.

    The result has exactly the same length as ``text``, so offsets found in the shadow are offsets
    into the original: 政協黨建 → 政协党建. Characters whose conversion is not one character
    stay as they are. Each character is converted on its own by OpenCC's ``t2s``; a text without
    any character that ``t2s`` changes is returned as it is after one regular-expression scan.
    """
    found = _t2s_table()
    if found is None:
        return text
    table, changed = found
    if changed.search(text) is None:
        return text
    astral = {ord(c): _t2s_astral(c) for c in set(_ASTRAL_RE.findall(text))}
    return text.translate({**table, **astral} if astral else table)


def cn_to_int(s: str) -> int | None:
    """Chinese or Arabic numeral to int: 十二 → 12, 二十三 → 23, 一百零五 → 105, 二〇二四 → 2024."""
    s = s.strip()
    if not s or len(s) > 18:  # no real number is longer; int() refuses over 4,300 digits
        return None
    if s.isdigit():
        return int(s)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
    if all(c in digits for c in s) and len(s) > 1:  # 二〇二四 read digit by digit
        return int("".join(str(digits[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c in digits:
            current = digits[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current
