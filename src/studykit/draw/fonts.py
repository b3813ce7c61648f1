"""Find a font that draws Chinese, for matplotlib and wordcloud.

With no CJK font, matplotlib draws boxes (and warns) and wordcloud draws hollow rectangles without
a word. studykit therefore resolves one font explicitly and hands it to every artist:

>>> font = find_cjk_font()
>>> ax.set_title("推动政协党建与履职工作深度融合", fontproperties=font.props())  # doctest: +SKIP

A font the user already has wins (Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft
YaHei, SimHei, WenQuanYi …, the Simplified Chinese face of a ``.ttc`` collection). Otherwise
studykit uses Noto Sans SC (SIL OFL 1.1) from the ``pylopdf-fonts-zh-cn`` wheel it depends on.
Every candidate must map the common Hanzi in its cmap before it is chosen.

Nothing here assigns ``matplotlib.rcParams`` or touches matplotlib's caches. Use
``font.props()`` per artist, or ``matplotlib.rc_context(font_rc(font))`` around drawing code.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.typing import RcKeyType
from PIL import ImageFont

from studykit.errors import FontError
from studykit.text.segment import default_cache_dir

__all__ = ["FontChoice", "cache_dir", "clear_font_cache", "find_cjk_font", "font_rc"]

# Family names as matplotlib reports them, best first. For .ttc collections matplotlib >= 3.11
# lists each face under its own name, so "Noto Sans CJK SC" picks the SC face, not face 0 (JP).
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans SC",
)

# Frequent Hanzi, common political vocabulary and full-width punctuation. A font that
# lacks any of these is not a Chinese font for our purposes.
_REQUIRED_CHARS = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出也得里后自会家可下而过天去能对小多"
    "然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手"
    "又行意动方期它头经长儿回位分老因很给名法间知世什两次使身者被高已其进此话常与活正感"
    "政协党建履职融合习近平新时代特色社会主义思想四意识维护"
    "，。、“”：；！？（）《》"
)

_NO_FONT = (
    "没有找到中文字体 / no CJK font found: install one (e.g. apt install fonts-noto-cjk) "
    "or reinstall studykit to get its bundled font"
)


@dataclass(frozen=True)
class FontChoice:
    """A font face that covers Simplified Chinese.

    ``path`` is the font file and ``index`` the face inside a ``.ttc`` collection (0 otherwise).
    ``source`` says whether the face came from the system or from studykit's bundled wheel.
    The object keeps its own small cache (matplotlib ``FontProperties``, PIL fonts by size),
    so hold on to it and pass it around rather than resolving again.

    >>> font = find_cjk_font()
    >>> ax.set_xticks(range(2), ["政协", "党建"], fontproperties=font.props())  # doctest: +SKIP
    """

    name: str
    path: Path
    index: int = 0
    source: Literal["system", "bundled"] = "system"
    _cache: dict[Any, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def props(self, size: float | None = None) -> font_manager.FontProperties:
        """Return ``FontProperties`` for this exact face, for ``fontproperties=`` on an artist.

        A fresh copy each time, so callers may change its size or weight safely.
        """
        base = self._cache.get("props")
        if base is None:
            base = font_manager.FontProperties(
                fname=font_manager.FontPath(str(self.path), self.index)
            )
            self._cache["props"] = base
        props: font_manager.FontProperties = base.copy()
        if size is not None:
            props.set_size(size)
        return props

    def pil_font(self, size: int) -> ImageFont.FreeTypeFont:
        """Return this face as a PIL font of ``size`` pixels, loaded once per size."""
        key = ("pil", size)
        font = self._cache.get(key)
        if font is None:
            font = ImageFont.truetype(str(self.path), size, index=self.index)
            self._cache[key] = font
        return font  # type: ignore[no-any-return]

    def single_face_path(self) -> Path:
        """Return a file whose face 0 is this face, for tools that always open face 0.

        wordcloud opens face 0 of a ``.ttc`` (the Japanese face of Noto Sans CJK). For a face
        other than 0 the face is written once, with fontTools, to :func:`cache_dir` and reused.
        """
        if self.index == 0:
            return self.path
        stat = self.path.stat()
        digest = hashlib.sha256(
            f"{self.path.resolve()}|{self.index}|{stat.st_size}|{stat.st_mtime_ns}".encode()
        ).hexdigest()[:12]
        from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

        with TTCollection(str(self.path), lazy=True) as collection:
            face = collection.fonts[self.index]
            suffix = ".otf" if face.sfntVersion == "OTTO" else ".ttf"
            target = cache_dir() / f"{self.path.stem}-{self.index}-{digest}{suffix}"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile(
                    dir=target.parent, prefix=".", suffix=".part", delete=False
                ) as tmp:
                    part = Path(tmp.name)
                try:
                    face.save(str(part))
                    os.replace(part, target)
                finally:
                    part.unlink(missing_ok=True)
        return target


cache_dir = default_cache_dir
"""studykit's cache folder (shared with the segmenter's dictionary cache)."""


def find_cjk_font(*, prefer: str | None = None) -> FontChoice:
    """Return a font that draws Simplified Chinese: the user's own if any, else the bundled one.

    ``prefer`` names a family (``"Source Han Serif SC"``) or a font file to use instead; it must
    exist and cover Chinese, or ``FontError`` is raised. Results are memoised per ``prefer`` with
    a module-level ``functools.cache`` (fonts rarely change during a session); call
    :func:`clear_font_cache` after installing a font.

    >>> find_cjk_font().name  # doctest: +SKIP
    'Noto Sans SC'
    """
    return _resolve(prefer)


def _resolve_uncached(prefer: str | None) -> FontChoice:
    entries = font_manager.fontManager.ttflist
    if prefer is not None:
        choice = _from_file(Path(prefer)) if Path(prefer).is_file() else None
        choice = choice or _from_entries(entries, (prefer,))
        if choice is None:
            raise FontError(
                f"没有找到字体「{prefer}」或它不含中文 / font {prefer!r} not found or has no "
                "Chinese glyphs: pass another family name or a font file path"
            )
        return choice
    choice = _from_entries(entries, PREFERRED_FAMILIES) or _bundled()
    if choice is None:
        raise FontError(_NO_FONT)
    return choice


_resolve = functools.cache(_resolve_uncached)


def clear_font_cache() -> None:
    """Forget the fonts :func:`find_cjk_font` resolved, e.g. after installing a new font."""
    _resolve.cache_clear()


def _from_entries(
    entries: list[font_manager.FontEntry], families: tuple[str, ...]
) -> FontChoice | None:
    """The first family present (regular, upright face preferred) that covers Chinese."""
    for family in families:
        faces = [
            e for e in entries if e.name.casefold() == family.casefold() and e.style == "normal"
        ]
        faces.sort(key=lambda e: abs(_weight(e.weight) - 400))
        for face in faces:
            path = Path(face.fname)
            if path.is_file() and _covers_chinese(path, face.index):
                return FontChoice(face.name, path, face.index, "system")
    return None


def _from_file(path: Path) -> FontChoice | None:
    """A user-given file; for a collection, its SC face if one is named so, else face 0."""
    try:
        font = FT2Font(str(path))
        faces = [font] + [FT2Font(str(path), face_index=i) for i in range(1, font.num_faces)]
    except (OSError, RuntimeError):
        return None
    names = [font_manager.ttfFontProperty(f).name for f in faces]
    index = next((i for i, n in enumerate(names) if n.endswith((" SC", " CN", " GB"))), 0)
    if not _covers_chinese(path, index):
        return None
    return FontChoice(names[index], path, index, "system")


def _bundled() -> FontChoice | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not (path.is_file() and _covers_chinese(path, 0)):
        return None
    name = font_manager.ttfFontProperty(FT2Font(str(path))).name
    return FontChoice(name, path, 0, "bundled")


def _covers_chinese(path: Path, index: int) -> bool:
    """True if the face's cmap maps every character of ``_REQUIRED_CHARS``."""
    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except (OSError, TTLibError, AssertionError):
        return False
    return all(ord(ch) in cmap for ch in _REQUIRED_CHARS)


def _weight(weight: str | int) -> int:
    if isinstance(weight, int):
        return weight
    return int(font_manager.weight_dict.get(weight, 400))


def font_rc(font: FontChoice) -> dict[RcKeyType, Any]:
    """rc overrides that make ``font`` the default sans-serif inside ``matplotlib.rc_context``.

    Use it for code that creates text without ``fontproperties=`` (pandas plotting, legends):

    >>> with matplotlib.rc_context(font_rc(find_cjk_font())):  # doctest: +SKIP
    ...     df.plot.bar(title="政协党建词频")

    The family is looked up by name, so the face is first registered with
    ``font_manager.fontManager.addfont`` when matplotlib does not list it yet (the bundled
    font). That appends to matplotlib's in-memory font list once per process; it does not
    change rcParams or any file on disk.
    """
    if not any(
        Path(e.fname) == font.path and e.index == font.index
        for e in font_manager.fontManager.ttflist
    ):
        font_manager.fontManager.addfont(font.path)
    import matplotlib

    fallbacks = [f for f in matplotlib.rcParams["font.sans-serif"] if f != font.name]
    return {
        "font.family": ["sans-serif"],
        "font.sans-serif": [font.name, *fallbacks],
        "axes.unicode_minus": False,
    }
