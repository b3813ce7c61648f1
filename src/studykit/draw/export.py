"""Write charts and tables to files, each with a JSON sidecar saying how it was made.

>>> export(ax, "政协党建-词频", meta={"document": "推动政协党建与履职工作深度融合"})  # doctest: +SKIP
[PosixPath('exports/政协党建-词频.png'), PosixPath('exports/政协党建-词频.svg'),
 PosixPath('exports/政协党建-词频.pdf'), PosixPath('exports/政协党建-词频.json')]
>>> export((ax, table), "政协党建-词频", formats=("png", "csv"), headers="zh")  # doctest: +SKIP
[PosixPath('exports/政协党建-词频-2.png'), PosixPath('exports/政协党建-词频-2.csv'),
 PosixPath('exports/政协党建-词频-2.json')]

Guarantees (each pinned by ``tests/hostile/test_export.py``):

- **One stem per view.** Every file of an export shares one stem (``…-词频.png``, ``.svg``,
  ``.pdf``, ``.csv`` and the one sidecar ``…-词频.json``); the stem is numbered (``-2``, ``-3`` …)
  only when a file with that stem already exists.
- **Safe, portable names.** Any title becomes a stem (:func:`safe_stem`): never refused for its
  characters, never a path outside the folder, valid on Windows, macOS and Linux.
- **Atomic, all or nothing.** Files are written to hidden ``.studykit-….part`` files in the
  folder and published together; if any file fails or a name is taken meanwhile, none of the
  export's files is left behind. Concurrent exports of one name each get their own number.
- **No clobbering.** Nothing is replaced unless ``overwrite=True``.
- **Usual permissions.** Files are created like ``open()`` creates them: ``0o666`` minus the
  umask (``0644`` under the common ``022``), not the ``0600`` of temporary files.
- **Self-cleaning.** Partial files left by an export that was killed are removed by the next
  export to the same folder once provably stale (their process is gone, or an hour old).

This is the only place in studykit that calls ``savefig``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import secrets
import socket
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType
from wordcloud import WordCloud

from studykit.errors import ExportError

__all__ = [
    "FIGURE_FORMATS",
    "STALE_PART_SECONDS",
    "TABLE_FORMATS",
    "ZH_HEADERS",
    "Headers",
    "export",
    "format_list",
    "safe_stem",
    "zh_headers",
]

FIGURE_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("csv", "xlsx")
_KNOWN_SUFFIXES = (*FIGURE_FORMATS, *TABLE_FORMATS, "json")

STALE_PART_SECONDS = 3600
"""A hidden partial file older than this (one hour) is stale whoever wrote it."""

Headers = Literal["en", "zh"]
Exportable: TypeAlias = Figure | Axes | WordCloud | pd.DataFrame

# Type 3 embeds each glyph as a drawing and shows Chinese in both pdfium and MuPDF viewers
# (Type 42 with Noto Sans SC's CFF outlines does not in MuPDF). pdf and ps must stay equal:
# a mismatch makes Chinese PDF saves fail in matplotlib 3.11.2. SVG text becomes paths so it
# looks the same on machines without the font.
_SAVE_RC: dict[RcKeyType, Any] = {"pdf.fonttype": 3, "ps.fonttype": 3, "svg.fonttype": "path"}

_MAX_NAME_BYTES = 200  # leaves room for "-NN.xlsx" within the usual 255-byte limit
_FALLBACK_STEM = "导出"
_MAX_ATTEMPTS = 1000  # publish attempts before giving up on a crowded name
# link() errors that mean "this file system has no hard links" (FAT, some network shares).
_NO_HARD_LINKS = frozenset(
    getattr(errno, e) for e in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "ENOSYS", "EMLINK", "EACCES")
    if hasattr(errno, e)
)

Kind = Literal["figure", "wordcloud", "table"]
_Writer = Callable[[Path, str], None]

# ------------------------------------------------------------------------------------------------
# Column headers

ZH_HEADERS: Mapping[str, str] = MappingProxyType({
    # token table (tokenize)
    "token": "词语", "pos": "词性", "start": "起始位置", "end": "结束位置", "part": "部位",
    "sentence": "句子", "paragraph": "段落", "section": "章节", "top": "一级章节",
    "section_title": "章节标题", "is_stopword": "停用词", "is_filler": "套话", "kind": "类型",
    "article": "条文", "subsection": "小节", "lead": "段首句",
    # term_frequencies, keywords, ngrams, repeated_phrases
    "term": "词语", "count": "次数", "rate": "每千词", "range": "分布章节数", "weight": "权重",
    "ngram": "词组", "phrase": "短语", "n": "词数",
    # keyness
    "target_count": "目标次数", "reference_count": "参照次数", "target_rate": "目标每千词",
    "reference_rate": "参照每千词", "statistic": "统计量", "effect": "效应量", "p_value": "p 值",
    "g2": "G²", "log_ratio": "对数比", "log_odds": "对数优势比", "z": "z值",
    "log_ratio_low": "对数比下限", "log_ratio_high": "对数比上限",
    "conservative_log_ratio": "保守对数比", "p_adjusted": "校正 p 值", "significant": "显著",
    "test": "检验",
    # collocations, cooccurrence
    "collocate": "搭配词", "collocate_count": "搭配词次数", "expected": "期望次数", "pmi": "PMI",
    "log_dice": "logDice", "delta_p": "ΔP", "delta_p_reverse": "反向ΔP", "association": "关联",
    "score": "得分", "term_a": "词语甲", "term_b": "词语乙",
    # suggest_terms
    "quoted": "引号次数", "cohesion": "凝聚度",
    # dispersion (also DP and Juilland's D on term tables)
    "dp": "离散度 DP", "dp_norm": "标准化DP", "juilland_d": "均匀度 D", "token_index": "词序号",
    "offset": "位置", "token_start": "起始词序号", "token_end": "结束词序号",
    # kwic
    "left": "左侧上下文", "match": "检索词", "right": "右侧上下文", "query": "检索式",
    # formulations
    "text": "内容", "sections": "所在章节", "first_offset": "首次出现位置", "pattern": "句式",
    "members": "项数",
    # section_lengths, dispersion_sections
    "label": "编号", "title": "标题", "level": "层级", "paragraphs": "段落数", "chars": "字数",
    # corpus tables
    "document": "文档", "doc": "文档", "documents": "文档数", "group_documents": "组内文档数",
    "year": "年份", "date": "日期", "first": "首次出现", "last": "最后出现", "share": "占比",
    "similarity": "相似度",
    # version diffs (compare_versions(...).to_frame())
    "op": "修改", "old": "旧版", "new": "新版", "section_a": "旧版章节", "section_b": "新版章节",
    "old_start": "旧版起始位置", "old_end": "旧版结束位置", "new_start": "新版起始位置", "new_end": "新版结束位置",
})  # fmt: skip
"""Chinese column headers for tables people read — exports with ``headers="zh"`` and the explorers'
table views — by English column name.

Covers every column the analyses return (token table, term frequencies, n-grams, phrases,
keywords, keyness, collocations, co-occurrence, KWIC, dispersion and its measures, formulations,
section lengths, suggested terms).
``tokens`` depends on the table: ``词数`` where it counts tokens (section lengths), ``分词`` where it
holds the tokens of an n-gram. Columns without an entry keep their English name.
"""


def zh_headers(table: pd.DataFrame, headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``table`` with Chinese column headers (and index name), for people to read.

    The English names stay the names to use in code; this is for exports and displays.
    ``headers`` adds or overrides entries of :data:`ZH_HEADERS`. Two columns never end up with
    the same header: a clash keeps the later column's English name.

    >>> zh_headers(pd.DataFrame({"term": ["党建"], "count": [3], "rate": [2.5]})).columns.tolist()
    ['词语', '次数', '每千词']
    """
    mapping = {**ZH_HEADERS, **(headers or {})}
    renamed: dict[Any, Any] = {}
    used: set[Any] = set()
    for col in table.columns:
        if not isinstance(col, str):
            used.add(col)
            continue
        new = mapping.get(col)
        if col == "tokens" and "tokens" not in (headers or {}):
            new = "词数" if pd.api.types.is_numeric_dtype(table[col]) else "分词"
        if new is None or new in used or new in table.columns:
            new = col
        used.add(new)
        if new != col:
            renamed[col] = new
    out = table.rename(columns=renamed)
    name = table.index.name
    if isinstance(name, str) and name in mapping and mapping[name] not in used:
        out.index = out.index.rename(mapping[name])
    return out


# ------------------------------------------------------------------------------------------------
# Names

# Characters Windows forbids in file names; replaced everywhere so exports copy across machines.
_FORBIDDEN = frozenset('/\\<>:"|?*')
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # controls, format marks, surrogates…
_WINDOWS_RESERVED = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)", re.I)
_SPACES = re.compile(r"\s+")
_UNDERSCORES = re.compile(r"_{2,}")


def safe_stem(name: str) -> str:
    """The file stem :func:`export` uses for ``name``: the name made safe, never refused.

    - Unicode NFC; whitespace runs (also newlines, tabs, U+3000) become one space.
    - Control characters, zero-width and other format marks (U+200B, a BOM, bidi overrides),
      lone surrogates and unassigned or private code points are removed.
    - ``/ \\ < > : " | ? *`` become ``_`` (so a name never points into another folder).
    - Leading dots (hidden files) and hyphens (read as options by command-line tools) go, and so
      do trailing dots and spaces (Windows drops them); a trailing ``.png``/``.csv``/… suffix of an
      export format is removed, since the formats add their own.
    - Windows device names (``CON``, ``NUL``, ``COM1``, ``LPT1`` …, also before a dot) get a ``_``.
    - At most 200 UTF-8 bytes, cut between characters (not inside an accented letter).
    - A name with nothing left becomes ``导出``.

    >>> safe_stem("政协党建/履职：2020?")
    '政协党建_履职：2020_'
    >>> safe_stem("\\ufeff..\\u200b推动政协党建 \\n 深度融合.png"), safe_stem("con")
    ('推动政协党建 深度融合', 'con_')
    """
    if not isinstance(name, str):
        raise ExportError(f"文件名必须是文字 / the name must be a string, not {type(name).__name__}")
    text = unicodedata.normalize("NFC", name)  # lone surrogates pass through and are dropped below
    chars: list[str] = []
    for ch in text:
        if ch.isspace():
            chars.append(" ")
        elif ch in _FORBIDDEN:
            chars.append("_")
        elif unicodedata.category(ch) not in _DROP_CATEGORIES:
            chars.append(ch)
    stem = _UNDERSCORES.sub("_", _SPACES.sub(" ", "".join(chars)))
    stem = _trim(stem)
    for suffix in _KNOWN_SUFFIXES:
        if stem.lower().endswith("." + suffix) and len(stem) > len(suffix) + 1:
            stem = _trim(stem[: -len(suffix) - 1])
            break
    stem = _truncate(stem, _MAX_NAME_BYTES)
    first, dot, rest = stem.partition(".")
    if _WINDOWS_RESERVED.fullmatch(first.rstrip(" ")):
        stem = f"{first.rstrip(' ')}_{dot}{rest}"
    return stem or _FALLBACK_STEM


_SURROGATE = re.compile("[\ud800-\udfff]")


def _trim(stem: str) -> str:
    return stem.lstrip(" .-").rstrip(" .")


def _truncate(stem: str, limit: int) -> str:
    if len(stem.encode("utf-8")) <= limit:
        return stem
    cut = len(stem.encode("utf-8")[:limit].decode("utf-8", "ignore"))
    while cut > 0 and unicodedata.category(stem[cut]).startswith("M"):
        cut -= 1  # keep a base letter together with its combining marks
    return _trim(stem[:cut])


# ------------------------------------------------------------------------------------------------
# export


def export(
    obj: Exportable | Sequence[Exportable],
    name: str,
    *,
    formats: Sequence[str] | str | None = None,
    dpi: int = 200,
    folder: str | os.PathLike[str] = "exports",
    overwrite: bool = False,
    meta: Mapping[str, Any] | None = None,
    headers: Headers | Mapping[str, str] = "en",
) -> list[Path]:
    """Export a figure, Axes, word cloud or table (or a figure and a table together) to ``folder``
    and return the paths written: one per format, in the order asked, then the sidecar.

    **What to export.** ``obj`` is a matplotlib Figure or Axes (its figure is exported), a
    WordCloud, a pandas DataFrame, or a tuple/list of one picture and one table that belong to
    the same view, e.g. ``(ax, table)``: then ``formats`` may mix picture and table formats and
    all files share one stem and one sidecar.

    **Formats.** ``formats`` is a sequence (``("png", "svg", "pdf")``) or one string, also
    comma-separated (``"png,csv"``); a leading dot and case do not matter. It defaults to
    ``png svg pdf`` for pictures and ``csv xlsx`` for tables (both lists when exporting both).
    A format no object can produce raises ``ExportError``.

    - Figures: PNG at ``dpi`` (1–1200); SVG with text converted to paths, so it looks identical
      without the font installed (the text is not selectable); PDF with Type 3 fonts, which show
      Chinese in both pdfium- and MuPDF-based viewers. All with ``bbox_inches="tight"``; rc
      settings apply inside ``rc_context`` only.
    - Word clouds: PNG from ``to_image()`` at the cloud's pixel size; SVG from
      ``to_svg(embed_font=True)``, real text with the used glyphs embedded; PDF holding the
      raster image, one pixel per 1/100 inch.
    - Tables: CSV in UTF-8 with a BOM (``utf-8-sig``) so Excel shows Chinese, cells verbatim;
      XLSX (sheet ``data``) where text is always text (``=1+1`` stays a string, never a formula),
      control characters show as their visible symbols (U+2400…) since XLSX cannot hold them,
      and lists become their text. The index is written only when it carries information (not
      an unnamed ``RangeIndex``). Lone surrogates in cells, which no file can hold, become U+FFFD.
      XLSX refuses tables beyond Excel's limits (1,048,576 rows, 16,384 columns, 32,767
      characters a cell) with a one-line error suggesting CSV.

    **Headers.** ``headers="zh"`` writes Chinese column headers (``词语``, ``次数``, ``每千词`` …, see
    :data:`ZH_HEADERS`); a mapping adds or overrides entries. The DataFrame itself is unchanged,
    and the sidecar records the headers used (``"columns": {"词语": "term", …}``).

    **Name.** ``name`` is the stem without extension, e.g. ``"政协党建-词频"``; it is made safe
    with :func:`safe_stem` (any characters: slashes, control or zero-width characters, a BOM,
    Windows device names, over-long titles), so an export is never refused for its name; an
    empty name is. The sidecar keeps the name asked for under ``requested_name`` when it
    differs. A stem is numbered (``name-2``, ``name-3`` …) when any file
    ``stem.{png,svg,pdf,csv,xlsx,json}`` already exists, the same number for every file.

    **Folder.** ``folder`` (``~`` expanded, created if missing) receives every file; nothing is
    written anywhere else, and a symlink inside it (a file ``stem.csv`` that links elsewhere) is
    never followed. A folder that is itself a symlink, or lies below one, is followed: the user
    named it (``exports -> /data/exports`` is a common setup), and the returned paths are in the
    folder it leads to; a dangling symlink there is refused rather than creating the folder
    wherever it points. Existing files are
    replaced only with ``overwrite=True`` (all or nothing as well: if one replacement fails, the
    old files come back).

    **Atomicity.** Each file is written to a hidden ``.studykit-<host>-<pid>-<random>.part`` file
    in ``folder`` and published by a hard link (or an exclusive create and rename), so a file is
    either complete or absent. When any format fails, no file of the export is left. When
    another export takes the stem meanwhile, this one moves to the next number instead of
    failing: twenty simultaneous exports of one name get twenty numbered stems. Partial files
    of exports that were killed are cleaned by the next export to the folder once provably stale
    (their process has ended on this host, or they are over :data:`STALE_PART_SECONDS` old).

    **Sidecar.** ``<stem>.json`` records the stem, the kind of object(s), the files, studykit's
    version, the local time (ISO 8601), the dpi for figures, the table's shape and ``meta`` as
    given (document, sections, filters, measure …).
    """
    objects = _objects(obj)
    plan = _plan(objects, formats)
    if isinstance(dpi, bool) or not isinstance(dpi, int | np.integer) or not 1 <= dpi <= 1200:
        raise ExportError(f"dpi 必须是 1 到 1200 的整数 / dpi must be a whole number from 1 to 1200, not {dpi!r}")
    if not isinstance(name, str):
        raise ExportError(f"文件名必须是文字 / the name must be a string, not {type(name).__name__}")
    if not name.strip():
        raise ExportError(
            f"文件名是空的 / file name {name!r} is empty: use a plain name such as 政协党建-词频"
        )
    stem = safe_stem(name)
    if headers != "en" and headers != "zh" and not isinstance(headers, Mapping):
        raise ExportError(f"headers 只能是 'en' 或 'zh' / headers must be 'en', 'zh' or a mapping, not {headers!r}")
    if not isinstance(overwrite, bool | np.bool_):
        raise ExportError(f"overwrite 只能是 True 或 False / overwrite must be True or False, not {overwrite!r}")
    if meta is not None and not isinstance(meta, Mapping):
        raise ExportError(
            f"meta 应是字典 / meta must be a mapping such as {{'document': ...}}, not {type(meta).__name__}"
        )
    base = _folder(folder)
    _clean_stale_parts(base)

    writers: list[tuple[str, _Writer]] = []
    columns: dict[str, str] | None = None
    for fmt, item in plan:
        if isinstance(item, pd.DataFrame):
            table = item
            if headers != "en":
                table = zh_headers(item, None if headers == "zh" else headers)  # type: ignore[arg-type]
                columns = {str(b): str(a) for a, b in zip(item.columns, table.columns, strict=True) if a != b}
            writers.append((fmt, _table_writer(table)))
        else:
            writers.append((fmt, _writer(item, dpi)))

    kinds = [_kind(o) for o in objects if any(item is o for _, item in plan)]
    tables = [o for o in objects if isinstance(o, pd.DataFrame)]
    info: dict[str, Any] = {
        "kind": "+".join(dict.fromkeys(kinds)),
        **({"dpi": dpi} if "figure" in kinds else {}),
        **({"shape": list(tables[0].shape)} if tables and "table" in kinds else {}),
        **({"columns": columns} if columns else {}),
        **({"requested_name": name} if stem != name else {}),
        "meta": dict(meta or {}),
    }

    suffixes = [fmt for fmt, _ in writers] + ["json"]
    try:
        with _staged(base, len(suffixes)) as parts:
            for part, (fmt, write) in zip(parts, writers, strict=False):
                write(part, fmt)
            return _publish_all(base, stem, suffixes, parts, info, overwrite=overwrite)
    except ExportError:
        raise
    except OSError as exc:
        raise ExportError(
            f"导出失败 / export to {base} failed ({exc}): check the folder is writable and has space"
        ) from exc
    except Exception as exc:  # a writer refused the content
        raise ExportError(f"导出失败 / export failed: {_one_line(exc)}") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _objects(obj: object) -> list[Exportable]:
    items = list(obj) if isinstance(obj, list | tuple) else [obj]
    if not items:
        raise ExportError("没有要导出的对象 / nothing to export: pass a figure, Axes, word cloud or table")
    for item in items:
        _kind(item)
    pictures = [i for i in items if not isinstance(i, pd.DataFrame)]
    tables = [i for i in items if isinstance(i, pd.DataFrame)]
    if len(pictures) > 1 or len(tables) > 1:
        raise ExportError(
            "一次只能导出一张图和一个表格 / one export holds at most one picture and one table: "
            "export the others under their own names"
        )
    return items  # type: ignore[return-value]


def format_list(formats: Sequence[str] | str) -> list[str]:
    """The formats asked for, lower case, without dots or repeats: a sequence
    (``("png", ".CSV")``) or one string, separated by commas, semicolons or spaces.

    >>> format_list("png, svg"), format_list(["PNG", ".csv", "png"])
    (['png', 'svg'], ['png', 'csv'])
    """
    if isinstance(formats, str):
        formats = re.split(r"[\s,;]+", formats.strip())
    try:
        return list(dict.fromkeys(str(f).lower().strip().lstrip(".") for f in formats if str(f).strip()))
    except TypeError:
        raise ExportError(f"formats 应是格式列表 / formats must be a list such as ('png', 'csv'), not {formats!r}") from None


def _plan(objects: list[Exportable], formats: Sequence[str] | str | None) -> list[tuple[str, Exportable]]:
    """Which object writes which format, in the order the formats were asked for."""
    picture = next((o for o in objects if not isinstance(o, pd.DataFrame)), None)
    table = next((o for o in objects if isinstance(o, pd.DataFrame)), None)
    allowed: list[str] = [*(FIGURE_FORMATS if picture is not None else ()), *(TABLE_FORMATS if table is not None else ())]
    wanted = list(allowed) if formats is None else format_list(formats)
    bad = [f for f in wanted if f not in allowed] or ([] if wanted else ["(none)"])
    if bad:
        what = ("表格", "a table") if picture is None else ("图", "a figure") if table is None else ("图和表格", "a figure and a table")
        raise ExportError(
            f"{what[0]}不能导出为 {bad} / {what[1]} cannot be exported as {bad}: use formats from {tuple(allowed)}"
        )
    return [(f, table if f in TABLE_FORMATS else picture) for f in wanted]  # type: ignore[misc]


def _kind(obj: object) -> Kind:
    if isinstance(obj, pd.DataFrame):
        return "table"
    if isinstance(obj, WordCloud):
        if not hasattr(obj, "layout_"):
            raise ExportError(
                "词云尚未生成 / the word cloud is empty: build it with make_wordcloud first"
            )
        return "wordcloud"
    if isinstance(obj, Figure | Axes):
        return "figure"
    raise ExportError(
        f"无法导出 {type(obj).__name__} / cannot export a {type(obj).__name__}: "
        "pass a matplotlib Figure or Axes, a WordCloud or a pandas DataFrame"
    )


def _folder(folder: str | os.PathLike[str]) -> Path:
    """The export folder, resolved and created: a symlink the user named (the folder itself or
    one above it) is followed when it leads to a folder; a dangling one is refused rather than
    creating the folder wherever it points."""
    try:
        named = Path(folder).expanduser()
        dangling = next((p for p in (named, *named.parents) if p.is_symlink() and not p.exists()), None)
        base = named.resolve()
    except (TypeError, ValueError, RuntimeError, OSError) as exc:
        raise ExportError(
            f"导出文件夹无效 / the export folder {folder!r} is not usable ({_one_line(exc)}): choose another folder"
        ) from None
    if dangling is not None:
        target = os.readlink(dangling)
        raise ExportError(
            f"导出文件夹是失效的链接 / the export folder {named} goes through the symlink {dangling}, "
            f"which points to {target!r}, a path that does not exist: create that folder or choose another"
        )
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"无法创建导出文件夹 / cannot create the export folder {base} ({exc}): choose another folder"
        ) from exc
    return base


# ------------------------------------------------------------------------------------------------
# Publishing


def _stem_taken(base: Path, stem: str) -> bool:
    return any(os.path.lexists(base / f"{stem}.{s}") for s in _KNOWN_SUFFIXES)


def _free_stem(base: Path, stem: str, start: int = 1) -> tuple[str, int]:
    """``stem`` (when ``start`` is 1 and it is free), else the first free ``stem-N`` (N ≥ 2)."""
    n = start
    while True:
        candidate = stem if n == 1 else f"{stem}-{n}"
        if not _stem_taken(base, candidate):
            return candidate, n
        n += 1


def _sidecar_text(stem: str, suffixes: Sequence[str], info: Mapping[str, Any]) -> bytes:
    import studykit

    sidecar = {
        "name": stem,
        "kind": info["kind"],
        "files": [f"{stem}.{s}" for s in suffixes[:-1]],
        "studykit_version": studykit.__version__,
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        **{k: v for k, v in info.items() if k not in ("kind", "meta")},
        "meta": info["meta"],
    }
    text = json.dumps(sidecar, ensure_ascii=False, indent=2, default=str) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates in meta: JSON's \\uXXXX escapes hold them
        return (json.dumps(sidecar, ensure_ascii=True, indent=2, default=str) + "\n").encode("ascii")


def _publish_all(
    base: Path, stem: str, suffixes: Sequence[str], parts: Sequence[Path], info: Mapping[str, Any],
    *, overwrite: bool,
) -> list[Path]:
    """Publish every part under one stem, all or nothing; move on to the next free number when
    another export takes the stem meanwhile."""
    n = 1
    for _ in range(_MAX_ATTEMPTS):
        chosen, n = (stem, 1) if overwrite else _free_stem(base, stem, n)
        targets = [_inside(base, f"{chosen}.{s}") for s in suffixes]
        parts[-1].write_bytes(_sidecar_text(chosen, suffixes, info))
        if overwrite:
            _replace_all(parts, targets)
            return targets
        if _link_all(parts, targets):
            for part in parts:
                part.unlink(missing_ok=True)
            return targets
        n += 1
    raise ExportError(
        f"文件名一直被占用 / every name from {stem} to {stem}-{n} was taken while exporting: "
        "choose another name"
    )


def _link_all(parts: Sequence[Path], targets: Sequence[Path]) -> bool:
    """Create every target from its part without replacing anything; on a name conflict undo
    what this call created and return False. Other failures undo and raise."""
    done: list[tuple[Path, Path | None]] = []  # (target, the part it was moved from, if moved)
    try:
        for part, target in zip(parts, targets, strict=True):
            try:
                os.link(part, target, follow_symlinks=False)
            except FileExistsError:
                _undo(done)
                return False
            except OSError as exc:
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                # No hard links on this file system: reserve the name exclusively, then rename.
                try:
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    _undo(done)
                    return False
                os.close(fd)
                done.append((target, None))
                os.replace(part, target)
                done[-1] = (target, part)
                continue
            done.append((target, None))
    except BaseException:
        _undo(done)
        raise
    return True


def _undo(created: Sequence[tuple[Path, Path | None]]) -> None:
    """Remove what a failed publish created; a part moved into place goes back to its name."""
    for target, part in reversed(created):
        with suppress(OSError):
            if part is not None:
                os.replace(target, part)
            else:
                target.unlink()


def _replace_all(parts: Sequence[Path], targets: Sequence[Path]) -> None:
    """``overwrite=True``: replace every target, keeping the old files aside until all are in
    place, so a failure puts the old files back."""
    backups: list[tuple[Path, Path | None]] = []
    try:
        for part, target in zip(parts, targets, strict=True):
            backup: Path | None = None
            if os.path.lexists(target) and not os.path.isdir(target):
                backup = _new_part(target.parent)
                os.replace(target, backup)
            backups.append((target, backup))
            os.replace(part, target)
    except BaseException:
        for target, backup in reversed(backups):
            with suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
        raise
    for _, backup in backups:
        if backup is not None:
            with suppress(OSError):
                backup.unlink()


def _inside(base: Path, filename: str) -> Path:
    target = base / filename
    resolved = target.resolve()
    if not resolved.is_relative_to(base) or resolved.parent != base:
        raise ExportError(
            f"拒绝写到导出文件夹之外 / refusing to write {resolved} outside {base}: "
            "choose another name"
        )
    return target


# ------------------------------------------------------------------------------------------------
# Partial files

_PART_PREFIX = ".studykit-"
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_PART_NAME = re.compile(r"\.studykit-([0-9a-f]{8})-([0-9]+)-[0-9a-f]+\.part")
_LEGACY_PART_NAME = re.compile(r"\.[a-z0-9_]{8}\.part")  # tempfile names of studykit ≤ 0.1


def _new_part(folder: Path) -> Path:
    """A new empty hidden file in ``folder``, created like ``open()`` would (mode 0o666 minus
    the umask), named after this host and process so a later export can tell it is stale."""
    for _ in range(100):
        path = folder / f"{_PART_PREFIX}{_HOST}-{os.getpid()}-{secrets.token_hex(6)}.part"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise ExportError(f"无法在 {folder} 创建临时文件 / cannot create a temporary file in {folder}")


@contextmanager
def _staged(folder: Path, count: int) -> Iterator[list[Path]]:
    """Hidden partial files in ``folder``, all removed on exit if not published."""
    parts: list[Path] = []
    try:
        for _ in range(count):
            parts.append(_new_part(folder))
        yield parts
    finally:
        for part in parts:
            with suppress(OSError):
                part.unlink()


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate the process there: rely on age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive under another user; anything else: assume alive
        return True
    return True


def _clean_stale_parts(folder: Path, *, now: float | None = None) -> list[str]:
    """Remove partial files in ``folder`` that no running export can still own: written by a
    process of this host that has ended, or older than :data:`STALE_PART_SECONDS`. Returns the
    names removed. Never follows symlinks or touches anything else."""
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.endswith(".part") or not name.startswith("."):
            continue
        ours = _PART_NAME.fullmatch(name)
        if ours is None and not _LEGACY_PART_NAME.fullmatch(name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        stale = now - st.st_mtime > STALE_PART_SECONDS
        if not stale and ours is not None and ours.group(1) == _HOST:
            pid = int(ours.group(2))
            stale = pid != os.getpid() and not _process_alive(pid)
        if stale:
            with suppress(OSError):
                os.unlink(entry.path)
                removed.append(name)
    return removed


# ------------------------------------------------------------------------------------------------
# Writers


def _writer(obj: Figure | Axes | WordCloud, dpi: int) -> _Writer:
    if isinstance(obj, WordCloud):
        return _cloud_writer(obj)
    figure = obj.get_figure(root=True) if isinstance(obj, Axes) else obj
    if not isinstance(figure, Figure):
        raise ExportError(
            "这个 Axes 不属于任何图 / the Axes belongs to no figure: pass its Figure instead"
        )
    return _figure_writer(figure, int(dpi))


_MAX_PIXELS = 2**28  # 268 megapixels: a 16,384 × 16,384 PNG


def _figure_writer(fig: Figure, dpi: int) -> _Writer:
    width, height = (float(x) * dpi for x in fig.get_size_inches())
    if width * height > _MAX_PIXELS:
        raise ExportError(
            f"图太大 / the figure would be {width:,.0f} × {height:,.0f} pixels at dpi={dpi}: "
            "lower dpi= or the figure size"
        )

    def write(path: Path, fmt: str) -> None:
        with matplotlib.rc_context(_SAVE_RC):
            fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight")

    return write


def _cloud_writer(cloud: WordCloud) -> _Writer:
    def write(path: Path, fmt: str) -> None:
        if fmt == "png":
            cloud.to_image().save(path, format="PNG")
        elif fmt == "svg":
            path.write_text(cloud.to_svg(embed_font=True), encoding="utf-8")
        else:
            image = cloud.to_array()
            fig = Figure(figsize=(image.shape[1] / 100, image.shape[0] / 100), dpi=100)
            fig.figimage(image)
            with matplotlib.rc_context(_SAVE_RC):
                fig.savefig(path, format=fmt, dpi=100)

    return write


_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_COLS = 16_384
_XLSX_MAX_CELL = 32_767
_XLSX_CONTROLS = {c: 0x2400 + c for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}
_XLSX_CONTROLS[0x7F] = 0x2421


def _table_writer(table: pd.DataFrame) -> _Writer:
    index = not (isinstance(table.index, pd.RangeIndex) and table.index.name is None)

    def write(path: Path, fmt: str) -> None:
        if fmt == "csv":
            try:
                table.to_csv(path, index=index, encoding="utf-8-sig")
            except UnicodeEncodeError:  # lone surrogates: no encoding can store them
                _map_text(table, _replace_surrogates).to_csv(path, index=index, encoding="utf-8-sig")
        else:
            _write_xlsx(table, path, index=index)

    return write


def _replace_surrogates(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _map_text(table: pd.DataFrame, fn: Callable[[str], str]) -> pd.DataFrame:
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: fn(v) if isinstance(v, str) else v)
    out.columns = [fn(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object:
        out.index = out.index.map(lambda v: fn(v) if isinstance(v, str) else v)
    if isinstance(out.index.name, str):
        out.index = out.index.rename(fn(out.index.name))
    return out


def _write_xlsx(table: pd.DataFrame, path: Path, *, index: bool) -> None:
    """XLSX through openpyxl's write-only mode: text stays text, values keep their types."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    rows, cols = table.shape[0] + 1, table.shape[1] + (table.index.nlevels if index else 0)
    if rows > _XLSX_MAX_ROWS or cols > _XLSX_MAX_COLS:
        raise ExportError(
            f"表格太大，无法存为 XLSX / the table has {rows - 1:,} rows and {cols:,} columns, over "
            f"Excel's {_XLSX_MAX_ROWS - 1:,} rows or {_XLSX_MAX_COLS:,} columns: export it as csv"
        )
    index_names = [n if n is not None else "" for n in table.index.names] if index else []
    columns = [table.iloc[:, i].tolist() for i in range(table.shape[1])]
    keys = [k if isinstance(k, tuple) else (k,) for k in table.index] if index else None
    # Convert every value before opening the workbook: a refusal (a cell over Excel's limit)
    # must not leave openpyxl's streaming writer half open.
    values = [[_excel_value(v) for v in (*index_names, *table.columns)]]
    for r in range(table.shape[0]):
        lead = keys[r] if keys is not None else ()
        values.append([_excel_value(v) for v in (*lead, *(col[r] for col in columns))])

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")

    def cell(value: Any) -> Any:
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            out.data_type = "s"  # openpyxl would read "=…" as a formula
        return out

    for row in values:
        sheet.append([cell(v) for v in row])
    book.save(path)


def _excel_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else (value if math.isfinite(value) else str(value))
    if isinstance(value, pd.Timestamp | datetime):
        return value if value.tzinfo is None else value.isoformat()
    if isinstance(value, date):
        return value
    text = value if isinstance(value, str) else str(value)
    text = _replace_surrogates(text).translate(_XLSX_CONTROLS)
    if len(text) > _XLSX_MAX_CELL:
        raise ExportError(
            f"单元格太长，无法存为 XLSX / a cell holds {len(text):,} characters, over Excel's "
            f"{_XLSX_MAX_CELL:,}: export it as csv"
        )
    return text
