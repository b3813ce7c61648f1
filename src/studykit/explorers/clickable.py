"""Two small widgets that report clicks back to Python: a chart image with clickable regions and
a block of HTML whose marked elements can be clicked.

ipywidgets' ``Image`` reports no clicks and its ``HTML`` runs no code, so a bar, a word of a cloud
or a concordance line could not open anything. These widgets are anywidget modules (plain
JavaScript shipped with the package, no build step, no notebook extension of our own):

* :class:`ClickImage` shows PNG bytes in an ``<img>`` and lays transparent buttons over the
  regions Python gives (fractions of the image, so they follow any display size). A click sends
  the region's key to Python, which calls the handlers registered with :meth:`on_pick`.
* :class:`ClickHTML` shows HTML that studykit built (every text in it escaped); a click on an
  element with ``data-pick="key"`` (or Enter on it) sends the key the same way. Links with
  ``data-lab-path="/absolute/file"`` become links that open the file in JupyterLab
  (``<base_url>lab/tree/<path relative to the server root>``), read from the page's own
  configuration.

``pick(key)`` runs the same handlers from Python, which is how the tests click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

__all__ = ["ClickHTML", "ClickImage", "Region"]

Region = tuple[float, float, float, float, str, str]
"""``(x0, y0, x1, y1, key, tooltip)``: a clickable box in fractions of the image, y downwards."""

_PICK_JS = """
function send(model, key) { model.send({ pick: String(key) }); }
"""

_IMAGE_ESM = _PICK_JS + """
function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "sk-click-wrap";
  const img = document.createElement("img");
  img.alt = "";
  const layer = document.createElement("div");
  layer.className = "sk-click-layer";
  wrap.append(img, layer);
  el.appendChild(wrap);
  let url = null;
  function draw() {
    const value = model.get("value");
    const next = URL.createObjectURL(new Blob([value], { type: "image/png" }));
    img.src = next;
    if (url) URL.revokeObjectURL(url);
    url = next;
  }
  function regions() {
    layer.replaceChildren();
    for (const [x0, y0, x1, y1, key, tip] of model.get("regions")) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "sk-region";
      b.dataset.key = key;
      b.title = tip;
      b.setAttribute("aria-label", tip);
      Object.assign(b.style, {
        left: (100 * x0) + "%", top: (100 * y0) + "%",
        width: (100 * (x1 - x0)) + "%", height: (100 * (y1 - y0)) + "%",
      });
      b.addEventListener("click", () => send(model, key));
      layer.appendChild(b);
    }
  }
  draw();
  regions();
  model.on("change:value", draw);
  model.on("change:regions", regions);
  return () => { if (url) URL.revokeObjectURL(url); };
}
export default { render };
"""

_IMAGE_CSS = """
.sk-click-wrap { position: relative; display: inline-block; max-width: 100%; line-height: 0; }
.sk-click-wrap img { display: block; max-width: 100%; height: auto; }
.sk-click-layer { position: absolute; inset: 0; }
.sk-region { position: absolute; margin: 0; padding: 0; border: 0; background: transparent;
  cursor: pointer; border-radius: 2px; }
.sk-region:hover, .sk-region:focus-visible { background: rgba(255, 170, 0, 0.22);
  outline: 1px solid rgba(180, 100, 0, 0.7); }
"""

_HTML_ESM = _PICK_JS + """
function labConfig() {
  const node = document.getElementById("jupyter-config-data");
  if (!node) return null;
  try { return JSON.parse(node.textContent); } catch (e) { return null; }
}
function labHref(path, cfg) {
  if (!cfg || !cfg.serverRoot) return null;
  const root = String(cfg.serverRoot).replace(/\\/+$/, "");
  const file = String(path).replace(/\\\\/g, "/");
  if (!file.startsWith(root + "/")) return null;
  const rel = file.slice(root.length + 1).split("/").map(encodeURIComponent).join("/");
  const base = cfg.baseUrl || "/";
  return base + (base.endsWith("/") ? "" : "/") + "lab/tree/" + rel;
}
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "sk-click-html";
  el.appendChild(box);
  function draw() {
    box.innerHTML = model.get("value");
    const cfg = labConfig();
    for (const a of box.querySelectorAll("a[data-lab-path]")) {
      const href = labHref(a.dataset.labPath, cfg);
      if (href) { a.href = href; a.target = "_blank"; a.rel = "noopener"; }
    }
    for (const t of box.querySelectorAll("[data-pick]")) {
      t.tabIndex = 0;
      t.setAttribute("role", "button");
    }
  }
  function pick(target) {
    for (const t of box.querySelectorAll(".sk-picked")) t.classList.remove("sk-picked");
    target.classList.add("sk-picked");
    send(model, target.dataset.pick);
  }
  box.addEventListener("click", (e) => {
    const t = e.target.closest("[data-pick]");
    if (t && box.contains(t)) pick(t);
  });
  box.addEventListener("keydown", (e) => {
    const t = e.target.closest("[data-pick]");
    if (t && box.contains(t) && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); pick(t); }
  });
  draw();
  model.on("change:value", draw);
}
export default { render };
"""

_HTML_CSS = """
.sk-click-html [data-pick] { cursor: pointer; }
.sk-click-html [data-pick]:hover { background: #fff4d6; }
.sk-click-html [data-pick]:focus-visible { outline: 2px solid #c88a00; }
.sk-click-html .sk-picked, .sk-click-html .sk-picked:hover { background: #ffe8a8; }
.sk-click-html a.sk-file { color: #1565c0; text-decoration: underline; cursor: pointer; }
"""


class _Picks:
    """Handlers for picked keys, shared by both widgets."""

    def _init_picks(self) -> None:
        self._pick_handlers: list[Callable[[str], None]] = []
        self.last_pick: str | None = None

    def on_pick(self, handler: Callable[[str], None]) -> None:
        """Call ``handler(key)`` whenever a region or element is clicked."""
        self._pick_handlers.append(handler)

    def pick(self, key: str) -> None:
        """Act as if ``key`` was clicked (what the browser does through a message)."""
        self.last_pick = str(key)
        for handler in list(self._pick_handlers):
            handler(str(key))

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and "pick" in content:
            self.pick(str(content["pick"]))


class ClickImage(_Picks, anywidget.AnyWidget):  # type: ignore[misc]
    """A PNG with clickable regions; ``value`` holds the PNG bytes, ``regions`` the boxes."""

    _esm = _IMAGE_ESM
    _css = _IMAGE_CSS
    value = traitlets.Bytes(b"").tag(sync=True)
    regions: traitlets.List[list[Any]] = traitlets.List([]).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_picks()
        self.on_msg(self._on_message)


class ClickHTML(_Picks, anywidget.AnyWidget):  # type: ignore[misc]
    """HTML whose ``data-pick`` elements can be clicked; ``value`` is the HTML."""

    _esm = _HTML_ESM
    _css = _HTML_CSS
    value = traitlets.Unicode("").tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)
        self._init_picks()
        self.on_msg(self._on_message)
