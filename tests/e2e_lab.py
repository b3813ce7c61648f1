"""Support for the browser tests: real JupyterLab driven in headless Chromium.

Starts JupyterLab on 127.0.0.1 with a random port and token (authentication stays on), from a
temporary copy of the project, with every Jupyter/IPython/matplotlib/XDG directory inside the
test's temp dir. Drives Debian's ``chromium`` through Playwright. On failure, screenshots and the
server log are saved next to the test's temporary files. Every process started here is stopped
by PID. Skips only where chromium is absent and ``REQUIRE_E2E`` is unset.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> None:
    """Skip the calling test module where chromium is absent, unless ``REQUIRE_E2E`` is set."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_E2E"):
            raise RuntimeError("REQUIRE_E2E is set but chromium is not installed: run .ci/run or apt-get install chromium")
        pytest.skip("chromium is not installed (set REQUIRE_E2E=1 to make this an error)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Lab:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = base / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        for var, sub in (
            ("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
            ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"),
            ("MPLCONFIGDIR", "mpl"), ("XDG_CACHE_HOME", "xdg-cache"), ("XDG_CONFIG_HOME", "xdg-config"),
            ("XDG_DATA_HOME", "xdg-data"), ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"), ("STUDYKIT_CACHE_DIR", "studykit-cache"),
        ):
            path = self.base / sub
            path.mkdir(exist_ok=True)
            env[var] = str(path)
        # Keep the system data dirs (the widget extension lives in the venv's share/jupyter).
        env["JUPYTER_PREFER_ENV_PATH"] = "1"
        # No "get notified about Jupyter news?" toast over the widgets in screenshots.
        notification = self.base / "lab-settings" / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True, exist_ok=True)
        (notification / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
        return env

    def start(self, root_dir: Path) -> None:
        jupyter = Path(sys.executable).with_name("jupyter-lab")
        cmd = [
            str(jupyter), "--no-browser", "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root_dir}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=self.env(), start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter-lab exited early; log: {self.log_path}")
            try:
                req = urllib.request.Request(f"{self.url}/api/status", headers={"Authorization": f"token {self.token}"})
                with urllib.request.urlopen(req, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"jupyter-lab did not answer within 90 s; log: {self.log_path}")

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            req = urllib.request.Request(
                f"{self.url}/api/shutdown", method="POST", headers={"Authorization": f"token {self.token}"}
            )
            urllib.request.urlopen(req, timeout=5).close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("e2e-project")
    shutil.copytree(ROOT / "notebooks", base / "notebooks", ignore=shutil.ignore_patterns("exports", ".ipynb_checkpoints"))
    shutil.copytree(ROOT / "seeds", base / "seeds")
    return base


@pytest.fixture(scope="module")
def lab(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    server = Lab(tmp_path_factory.mktemp("e2e-server"))
    server.start(project / "notebooks")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ],
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


def open_notebook(page: Any, lab: Lab, name: str) -> None:
    page.goto(f"{lab.url}/lab/tree/{name}?token={lab.token}&reset", wait_until="domcontentloaded")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget && "
                           "window.jupyterapp.shell.currentWidget.sessionContext", timeout=60_000)
    page.wait_for_function(
        "window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.connectionStatus === 'connected'",
        timeout=60_000,
    )


def run_all(page: Any) -> None:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Wait until the kernel is idle and no cell shows [*].
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w.sessionContext.session.kernel;
            const busy = [...document.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*'));
            return k.status === 'idle' && !busy;
        }""",
        timeout=240_000, polling=500,
    )


def kernel(page: Any, code: str) -> str:
    """Run code in the page's kernel and return what it printed."""
    return str(page.evaluate(
        """async (code) => {
            const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const f = k.requestExecute({code, store_history: false});
            let out = '';
            f.onIOPub = (m) => {
                if (m.header.msg_type === 'stream') out += m.content.text;
                if (m.header.msg_type === 'error') out += 'ERROR ' + m.content.ename + ': ' + m.content.evalue;
            };
            await f.done;
            return out;
        }""",
        code,
    ))


def chart_src(page: Any, css: str) -> str:
    page.wait_for_selector(f"{css} img", timeout=60_000)
    return str(page.eval_on_selector(f"{css} img", "e => e.src"))


def wait_change(page: Any, css: str, before: str) -> str:
    page.wait_for_function(
        "([css, before]) => { const i = document.querySelector(css + ' img'); return i && i.src !== before; }",
        arg=[css, before], timeout=60_000,
    )
    return chart_src(page, css)


