"""Character classes, dates and small helpers shared by the parser's modules."""

from __future__ import annotations

import re

from studykit.zh import cn_to_int

WS = " \t\u3000\xa0\u2002\u2003\u2009"
"""Whitespace inside a line (str.isspace): zero-width marks are content."""
CN = "一二三四五六七八九十百零〇"
ZERO_LIKE = "○◯Ｏ０OΟ"
"""Stand-ins for 〇 in a year written in numerals (二○二五年): Big5 and old GB text use the
circle ○, typists the letter O or a full-width 0."""
YEAR_CN = f"{CN}{ZERO_LIKE}"
END_PUNCT = "。！？!?；;…"
CLOSERS = "”’」』）)》\"'】"
SENT_RE = re.compile(rf"[^{END_PUNCT}]*(?:[{END_PUNCT}]+[{CLOSERS}]*|$)")
"""A sentence runs to its end punctuation; a line broken inside a sentence does not end it."""
FIRST_SENTENCE_END = re.compile(rf"[{END_PUNCT}：:]+[{CLOSERS}]*")
URL_RE = re.compile(r"(?:https?|ftp)://[^\s，。；、）)」》]*|www\.[A-Za-z0-9-]+\.[^\s，。；、）)」》]*", re.I)

DATE_RE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
CN_DATE_RE = re.compile(rf"([{YEAR_CN}]{{4}})\s*年\s*([{CN}]{{1,3}})\s*月\s*([{CN}]{{1,3}})\s*日")
ROC_DATE_RE = re.compile(
    r"(?:(?:中[华華])?民[国國]\s*(\d{1,3})|(?<![\d０-９])(1\d{2}))\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
"""A date in the years of the Republic of China (Taiwan): 中華民國114年2月14日, 民国114年 = 2025,
and a bare three-digit year as Taiwan sites write it (日期：114年06月10日): no Gregorian year
has three digits in a modern document."""
ROC_DATE = ROC_DATE_RE.pattern.replace("(\\d", "(?:\\d").replace("(1\\d", "(?:1\\d")
"""The same without groups, to sit inside other date patterns."""
ROC_YEAR_OFFSET = 1911
DATE_ONLY_RE = re.compile(
    rf"^({ROC_DATE}|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[{YEAR_CN}]{{4}}\s*年\s*[{CN}]{{1,3}}\s*月\s*[{CN}]{{1,3}}\s*日"
    r"|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}/\d{1,2}/\d{1,2})$"
)
TIME_RE = re.compile(
    r"(?<!\d)([01]?\d|2[0-3])(?:[:：]([0-5]\d)(?:[:：]([0-5]\d))?|时([0-5]\d)分)(?!\d)"
)


_ZERO = str.maketrans(ZERO_LIKE, "〇" * len(ZERO_LIKE))


def find_date(s: str) -> str | None:
    """The first date in ``s`` as YYYY-MM-DD: 2024年3月5日, 2024-03-05, 二〇二四年三月五日,
    民国114年2月14日 (2025-02-14)."""
    m = DATE_RE.search(s)
    c = CN_DATE_RE.search(s)
    r = ROC_DATE_RE.search(s)
    if r and all(x is None or r.start() < x.start() for x in (m, c)):
        named, bare, month, day = r.groups()
        y, mo, d = int(named or bare) + ROC_YEAR_OFFSET, int(month), int(day)
    elif m and (c is None or m.start() <= c.start()):
        y, mo, d = (int(g) for g in m.groups())
    elif c:
        parts = [cn_to_int(g.translate(_ZERO)) for g in c.groups()]
        if any(p is None for p in parts):
            return None
        y, mo, d = (int(p or 0) for p in parts)
    else:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1000 <= y <= 2999):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_time(s: str, after: int = 0) -> str | None:
    """A clock time after position ``after``: 10:20, 10:20:27, 07时41分 → HH:MM[:SS]."""
    t = TIME_RE.search(s, after)
    if t is None:
        return None
    minute = t.group(2) or t.group(4)
    return f"{int(t.group(1)):02d}:{minute}" + (f":{t.group(3)}" if t.group(3) else "")


def first_sentence_end(s: str, start: int = 0) -> int:
    """End offset (within ``s``) of the first sentence at or after ``start``; a colon ends one too.

    Colons inside URLs (``http://…``) are not sentence ends.
    """
    pos = start
    while True:
        m = FIRST_SENTENCE_END.search(s, pos)
        if m is None:
            return len(s)
        if m.group(0)[0] in "：:" and _inside_url(s, m.start()):
            pos = m.end()
            continue
        return m.end()


def _inside_url(s: str, i: int) -> bool:
    for u in URL_RE.finditer(s, max(0, i - 12), min(len(s), i + 400)):
        if u.start() <= i < u.end():
            return True
    return False


def int_to_cn(n: int) -> str:
    """12 → 十二, 105 → 一百零五: the inverse of :func:`cn_to_int` for heading numbers."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else (
        "一" + int_to_cn(rest) if rest < 20 else int_to_cn(rest)))
    return digits[(n // 100) % 10] + "百" + tail


def visible_len(s: str) -> int:
    """Length without whitespace."""
    return sum(1 for c in s if not c.isspace())


NAME_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
"""Characters of a personal name, for a regex character class: the basic block and the extensions
A to G, so 𠮷晓峰 is a name."""


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")


def is_english_line(s: str) -> bool:
    """A line of English: two or more words, and Latin letters make up at least 70% of its
    non-space characters (so ``I. Exhibition Contents`` and ``June 10, 2025`` are; ``2025年GDP`` is not)."""
    chars = [c for c in s if not c.isspace()]
    if len(_LATIN_WORD.findall(s)) < 2 or not chars:
        return False
    latin = sum(1 for c in chars if c.isascii() and c.isalpha())
    return latin >= 0.7 * len(chars) and not any("\u4e00" <= c <= "\u9fff" for c in chars)


MD_LINK = re.compile(r"\[([^\]\n]{0,120})\]\([^)\s]{0,500}\)")
"""A Markdown link ``[words](url)`` as a page-to-Markdown tool writes it; group 1 is its words."""


def link_words(s: str) -> str:
    """``s`` with each Markdown link replaced by its words: [首页](https://…) → 首页."""
    return MD_LINK.sub(r"\1", s) if "](" in s else s
