"""Write charts and tables to files, each with a JSON sidecar saying how it was made.

>>> export(ax, "政协党建-词频", meta={"document": "推动政协党建与履职工作深度融合"})  # doctest: +SKIP
[PosixPath('exports/政协党建-词频.png'), PosixPath('exports/政协党建-词频.svg'),
 PosixPath('exports/政协党建-词频.pdf'), PosixPath('exports/政协党建-词频.json')]

This is the only place in studykit that calls ``savefig``.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType
from wordcloud import WordCloud

from studykit.errors import ExportError

__all__ = ["FIGURE_FORMATS", "TABLE_FORMATS", "export"]

FIGURE_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("csv", "xlsx")

# Type 3 embeds each glyph as a drawing and shows Chinese in both pdfium and MuPDF viewers
# (Type 42 with Noto Sans SC's CFF outlines does not in MuPDF). pdf and ps must stay equal:
# a mismatch makes Chinese PDF saves fail in matplotlib 3.11.2. SVG text becomes paths so it
# looks the same on machines without the font.
_SAVE_RC: dict[RcKeyType, Any] = {"pdf.fonttype": 3, "ps.fonttype": 3, "svg.fonttype": "path"}

# Characters Windows forbids in file names; refused everywhere so exports copy across machines.
_FORBIDDEN = set('/\\<>:"|?*')
_MAX_NAME_BYTES = 200  # leaves room for "-NN.xlsx" within the usual 255-byte limit

Kind = Literal["figure", "wordcloud", "table"]
_Writer = Callable[[Path, str], None]


def export(
    obj: Figure | Axes | WordCloud | pd.DataFrame,
    name: str,
    *,
    formats: Sequence[str] | None = None,
    dpi: int = 200,
    folder: str | os.PathLike[str] = "exports",
    overwrite: bool = False,
    meta: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Export a figure, Axes, word cloud or table to ``folder`` and return the paths written.

    ``formats`` defaults to ``("png", "svg", "pdf")`` for figures and word clouds and to
    ``("csv", "xlsx")`` for tables; asking a table for a picture format, or the reverse, raises
    ``ExportError``.

    - Figures (an Axes exports its figure): PNG at ``dpi``; SVG with text converted to paths, so
      it looks identical without the font installed (the text is not selectable); PDF with Type 3
      fonts, which show Chinese in both pdfium- and MuPDF-based viewers. All with
      ``bbox_inches="tight"``; rc settings apply inside ``rc_context`` only.
    - Word clouds: PNG from ``to_image()`` at the cloud's pixel size; SVG from
      ``to_svg(embed_font=True)``, real text with the used glyphs embedded; PDF holding the
      raster image, one pixel per 1/100 inch.
    - Tables: CSV in UTF-8 with a BOM (``utf-8-sig``) so Excel shows Chinese; XLSX via openpyxl.
      The index is written only when it carries information (not an unnamed ``RangeIndex``).

    ``name`` is a file name without extension and may be Chinese (``"政协党建-词频"``). Names
    that are empty, all dots, start with a dot, contain path separators, control characters or
    ``<>:"|?*``, or exceed 200 UTF-8 bytes are refused with ``ExportError`` rather than
    rewritten, so files are called what you asked for (surrounding whitespace aside). Nothing is written outside ``folder``
    (created if missing). An existing file is never replaced unless ``overwrite=True``; instead
    the first free numbered stem (``name-2``, ``name-3`` …) is used for every file of the export.
    Each file is first written to a hidden temporary file in ``folder`` and then renamed into
    place, so a failure leaves neither half files nor temporary files; when any format fails,
    no file of the export is written.

    A sidecar ``<name>.json`` records the kind of object, the files, studykit's version, the
    local time (ISO 8601) and ``meta`` as given (document, sections, filters, measure …).
    """
    kind = _kind(obj)
    wanted = _formats(kind, formats)
    writers = {fmt: _writer(obj, dpi) for fmt in wanted}
    if not isinstance(name, str):
        raise ExportError(f"文件名必须是文字 / the name must be a string, not {type(name).__name__}")
    stem = _check_name(name)
    base = Path(folder).resolve()
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"无法创建导出文件夹 / cannot create the export folder {base} ({exc}): choose another folder"
        ) from exc
    suffixes = [*wanted, "json"]
    stem = stem if overwrite else _free_stem(base, stem, suffixes)
    targets = [_inside(base, f"{stem}.{s}") for s in suffixes]

    import studykit

    sidecar = {
        "name": stem,
        "kind": kind,
        "files": [t.name for t in targets[:-1]],
        "studykit_version": studykit.__version__,
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        **({"dpi": dpi} if kind == "figure" else {}),
        **({"shape": list(obj.shape)} if isinstance(obj, pd.DataFrame) else {}),
        "meta": dict(meta or {}),
    }
    text = json.dumps(sidecar, ensure_ascii=False, indent=2, default=str) + "\n"
    try:
        with _staged(base, len(targets)) as parts:
            for part, fmt in zip(parts, wanted, strict=False):
                writers[fmt](part, fmt)
            parts[-1].write_text(text, encoding="utf-8")
            for part, target in zip(parts, targets, strict=True):
                _publish(part, target, overwrite=overwrite)
    except ExportError:
        raise
    except OSError as exc:
        raise ExportError(
            f"导出失败 / export to {base} failed ({exc}): check the folder is writable and has space"
        ) from exc
    except Exception as exc:  # a writer refused the content (e.g. control characters in XLSX cells)
        raise ExportError(f"导出失败 / export failed: {exc}") from exc
    return targets


def _publish(part: Path, target: Path, *, overwrite: bool) -> None:
    """Move a finished temporary file into place; without ``overwrite`` this fails rather than
    replace a file that appeared since the free name was chosen (a hard link never clobbers)."""
    if overwrite:
        os.replace(part, target)
        return
    try:
        os.link(part, target)
    except FileExistsError as exc:
        raise ExportError(
            f"文件已存在 / {target.name} appeared while exporting: export again for a new name"
        ) from exc
    except OSError:  # no hard links on this file system: fall back to an exclusive rename check
        if target.exists():
            raise ExportError(
                f"文件已存在 / {target.name} appeared while exporting: export again for a new name"
            ) from None
        os.replace(part, target)
        return
    part.unlink()


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


def _formats(kind: Kind, formats: Sequence[str] | None) -> list[str]:
    allowed = TABLE_FORMATS if kind == "table" else FIGURE_FORMATS
    if formats is None:
        return list(allowed)
    if isinstance(formats, str):
        formats = [formats]
    wanted = list(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    bad = [f for f in wanted if f not in allowed] or ([] if wanted else ["(none)"])
    if bad:
        zh, en = ("表格", "a table") if kind == "table" else ("图", "a figure")
        raise ExportError(
            f"{zh}不能导出为 {bad} / {en} cannot be exported as {bad}: use formats from {allowed}"
        )
    return wanted


def _check_name(name: str) -> str:
    stem = name.strip()
    problem: tuple[str, str] | None = None
    if not stem or set(stem) == {"."}:
        problem = ("是空的", "is empty")
    elif stem.startswith("."):
        problem = ("以点开头", "starts with a dot")
    elif any(c in _FORBIDDEN for c in stem):
        problem = ('含有路径分隔符或 <>:"|?*', 'contains a path separator or <>:"|?*')
    elif any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in stem):
        problem = ("含有控制字符", "contains control characters")
    elif len(stem.encode()) > _MAX_NAME_BYTES:
        problem = ("太长", f"is longer than {_MAX_NAME_BYTES} bytes")
    if problem:
        raise ExportError(
            f"文件名 {name!r} {problem[0]} / file name {name!r} {problem[1]}: "
            "use a plain name such as 政协党建-词频"
        )
    return stem


def _inside(base: Path, filename: str) -> Path:
    target = (base / filename).resolve()
    if not target.is_relative_to(base) or target.parent != base:
        raise ExportError(
            f"拒绝写到导出文件夹之外 / refusing to write {target} outside {base}: "
            "choose another name"
        )
    return target


def _free_stem(base: Path, stem: str, suffixes: Sequence[str]) -> str:
    """``stem``, or the first ``stem-N`` (N >= 2) for which no file of the export exists yet."""
    candidate, n = stem, 1
    while any(os.path.lexists(base / f"{candidate}.{s}") for s in suffixes):
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


@contextmanager
def _staged(folder: Path, count: int) -> Iterator[list[Path]]:
    """Hidden temporary files in ``folder``, all removed on exit if not renamed away."""
    parts: list[Path] = []
    try:
        for _ in range(count):
            with tempfile.NamedTemporaryFile(
                dir=folder, prefix=".", suffix=".part", delete=False
            ) as tmp:
                parts.append(Path(tmp.name))
        yield parts
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def _writer(obj: Figure | Axes | WordCloud | pd.DataFrame, dpi: int) -> _Writer:
    if isinstance(obj, pd.DataFrame):
        return _table_writer(obj)
    if isinstance(obj, WordCloud):
        return _cloud_writer(obj)
    figure = obj.get_figure(root=True) if isinstance(obj, Axes) else obj
    if not isinstance(figure, Figure):
        raise ExportError(
            "这个 Axes 不属于任何图 / the Axes belongs to no figure: pass its Figure instead"
        )
    return _figure_writer(figure, dpi)


def _figure_writer(fig: Figure, dpi: int) -> _Writer:
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


def _table_writer(table: pd.DataFrame) -> _Writer:
    index = not (isinstance(table.index, pd.RangeIndex) and table.index.name is None)

    def write(path: Path, fmt: str) -> None:
        if fmt == "csv":
            table.to_csv(path, index=index, encoding="utf-8-sig")
        else:
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                table.to_excel(writer, index=index, sheet_name="data")

    return write
