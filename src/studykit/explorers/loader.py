"""Your own document in two clicks: upload a file or paste its text, and explore it.

>>> loader = sk.DocumentLoader()   # doctest: +SKIP
>>> loader                          # in a notebook: an upload button, a paste box, then the dashboard

The file's bytes go through :func:`~studykit.document.read.read_source` (encoding detected, or the
one chosen) in the format its name says, as ``sk.load`` reads a file of that name: ``.md`` as
Markdown, ``.html``/``.htm`` as a web page reduced to its article, anything else as text (HTML or
Markdown front matter still recognised by their content). Then
:func:`~studykit.document.parse.parse_document` builds the document and
:func:`~studykit.explorers.dashboard.explore` opens on it. Pasted text is read as text, never as
a file name; characters no file can hold (lone surrogates, from a broken copy) are read as U+FFFD
and the message line says how many. ``loader.document`` and ``loader.dashboard`` hold what was
built.
"""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from studykit.document.markdown import MARKDOWN_SUFFIXES
from studykit.document.model import Document
from studykit.document.parse import parse_document
from studykit.document.read import ReadFormat, read_source
from studykit.draw.fonts import FontChoice
from studykit.errors import StudykitError
from studykit.text.segment import JiebaSegmenter

from .base import run_shown, say
from .dashboard import Dashboard

ENCODINGS = [("自动识别", "auto"), ("UTF-8", "utf-8"), ("GBK / GB18030", "gb18030"), ("Big5（繁体）", "big5"),
             ("UTF-16", "utf-16")]
ACCEPT = ".txt,.text,.html,.htm,.md,.markdown"
PASTED = "粘贴的文本"
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})  # as read_source reads paths
_SURROGATE = re.compile("[\ud800-\udfff]")


def upload_format(name: str) -> ReadFormat:
    """The format ``sk.load`` reads a file of this name in: Markdown or HTML by the suffix,
    otherwise ``"auto"`` (text, unless its content is recognisably HTML or opens with front
    matter)."""
    suffix = Path(name).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "html" if suffix in HTML_SUFFIXES else "auto"


class DocumentLoader:
    """An upload button (``FileUpload``) and a paste box (``Textarea``) that each build a
    document and open the dashboard (``sk.explore``) on it below."""

    def __init__(
        self,
        *,
        segmenter: JiebaSegmenter | None = None,
        folder: str | Path = "exports",
        font: FontChoice | None = None,
    ) -> None:
        self.segmenter = segmenter
        self.folder = folder
        self.font = font
        self.document: Document | None = None
        self.dashboard: Dashboard | None = None
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=False, description="上传文件",
                                         layout=widgets.Layout(width="auto"))
        self.upload.add_class("sk-upload")
        self.encoding = widgets.Dropdown(options=ENCODINGS, value="auto", description="编码",
                                         layout=widgets.Layout(width="16em"))
        self.paste = widgets.Textarea(placeholder="或者把文档全文粘贴到这里，再点「分析粘贴的文本」……",
                                      layout=widgets.Layout(width="95%", height="10em"))
        self.paste.add_class("sk-paste")
        self.paste_button = widgets.Button(description="分析粘贴的文本", icon="play", button_style="primary",
                                           layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.paste_button.add_class("sk-paste-button")
        self.messages = widgets.HTML()
        self.messages.add_class("sk-messages")
        self.summary = widgets.HTML()
        self.summary.add_class("sk-loaded")
        self.output = widgets.VBox()
        self._lock = threading.RLock()  # ipykernel 7 may deliver widget messages concurrently
        self.upload.observe(lambda _change: self._call(self._from_upload), names="value")
        self.paste_button.on_click(lambda _b: self._call(self._from_paste))
        self.widget = widgets.VBox([
            widgets.HTML("<b>打开你自己的文档</b> · 上传 txt / html / md 文件（UTF-8、GBK、繁体均可），"
                         "或者粘贴全文"),
            widgets.HBox([self.upload, self.encoding], layout=widgets.Layout(align_items="center")),
            self.paste,
            self.paste_button,
            self.messages,
            self.summary,
            self.output,
        ])
        self.widget.add_class("sk-loader")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _call(self, fn: Any) -> None:
        with self._lock:
            run_shown(self.messages, fn)

    def _encoding(self) -> str | None:
        value = self.encoding.value
        return None if value == "auto" else str(value)

    def _from_upload(self) -> None:
        files = list(self.upload.value)
        if not files:
            return
        item = files[-1]
        self.open_bytes(bytes(item["content"]), str(item.get("name") or "上传的文件"))

    def _from_paste(self) -> None:
        self.open_text(self.paste.value)

    def open_bytes(self, data: bytes, name: str) -> Dashboard:
        """Build the document from a file's bytes, in the format its ``name`` says
        (:func:`upload_format`), as ``sk.load`` reads a file of that name."""
        name = _SURROGATE.sub("\ufffd", name)
        source = read_source(data, encoding=self._encoding(), name=name, format=upload_format(name))
        return self._open(parse_document(source))

    def open_text(self, text: str) -> Dashboard:
        """Build the document from pasted text (always read as text, whatever it looks like).

        Lone surrogates (U+D800–U+DFFF, which a broken copy can leave and no file can hold) are
        read as U+FFFD, one for one, and the message line says how many."""
        if not text.strip():
            raise StudykitError("粘贴框是空的 / nothing pasted: paste the document's text first")
        text, broken = _SURROGATE.subn("\ufffd", text)
        source = read_source(text.encode("utf-8"), encoding="utf-8", name=PASTED)
        note = (
            f"粘贴的文本含有 {broken} 个无效字符，已显示为 � / the pasted text held {broken} lone "
            "surrogate(s), which no file can store: each is read as �; copy the text again to "
            "keep the original characters"
        ) if broken else ""
        return self._open(parse_document(source), note=note)

    def _open(self, document: Document, *, note: str = "") -> Dashboard:
        say(self.messages, "正在分析… / analysing…")
        dashboard = Dashboard(document, segmenter=self.segmenter, folder=self.folder, font=self.font)
        self.document, self.dashboard = document, dashboard
        sections = sum(1 for s in document.walk() if s.level > 0)
        title = html.escape(document.title or "（无标题）")
        self.summary.value = (
            f"<div>已打开 / opened <b>{title}</b> · {html.escape(document.source.name)} · "
            f"编码 {html.escape(document.source.encoding)} · {len(document.paragraphs)} 段 · {sections} 个章节</div>"
        )
        self.output.children = [dashboard.tabs]
        say(self.messages, note, kind="warn")
        return dashboard
