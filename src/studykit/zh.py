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


def simplified_shadow(text: str) -> str:
    """The text with traditional characters mapped to simplified ones, one character for one.

    The result has exactly the same length as ``text``, so offsets found in the shadow are offsets
    into the original: 政協黨建 → 政协党建. Characters whose conversion is not one character
    stay as they are.
    """
    conv = _t2s()
    if conv is None:
        return text
    chars = {c for c in set(text) if ord(c) > 0x2E7F}
    if not chars:
        return text
    joined = "\n".join(sorted(chars))
    converted = conv.convert(joined).split("\n")  # type: ignore[attr-defined]
    table = {
        ord(a): b for a, b in zip(sorted(chars), converted, strict=False) if len(b) == 1 and a != b
    }
    return text.translate(table) if table else text


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
