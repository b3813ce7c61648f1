"""Building corpus entries in parallel: Dask runs the tasks, locally or on a cluster.

Files are split into chunks of about equal size; each chunk is one task that loads the segmenter's
dictionary once, then reads, parses and tokenizes its files and writes their entries into the
store. A task returns only a small outcome per file, so nothing large travels back.

Where the tasks run (``scheduler``):

- ``None``: local processes when there is enough work to share (more than one chunk, over 2 MB
  and more than one core), else in this process;
- ``"processes"``, ``"threads"``, ``"sync"``: Dask's local schedulers;
- ``"tcp://host:8786"`` (any address with ``://``) or a ``distributed.Client``: a Dask cluster.
  Its workers read the files and write the store by path, so on a cluster of several machines
  both must be on a filesystem every worker reaches (name it with ``cache=``).
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pandas as pd

from studykit.analysis.patterns import formulations
from studykit.document.parse import parse_document
from studykit.document.read import read_regular, read_source
from studykit.errors import QueryError, StudykitError
from studykit.text.reading import read
from studykit.text.segment import JiebaSegmenter
from studykit.text.tokens import tokenize
from studykit.zh import simplified_shadow

from .store import STORE_FORMAT, Store, content_hash

LOCAL_SCHEDULERS = ("sync", "threads", "processes")
CHUNK_BYTES = 8_000_000
"""About this much text per task, and at least four tasks per worker, so work spreads evenly."""
PARALLEL_FROM_BYTES = 8_000_000
"""Below this much text to build, starting local processes (a few seconds) costs more than it saves."""

UNIT_COLUMNS = ("kind", "section", "top", "section_title", "paragraph", "start", "end", "text", "shadow")


@dataclass(frozen=True, slots=True)
class Job:
    """One file to build: where it is, the entry key and the content hash it must still have;
    ``name`` is the path shown as text (see :func:`studykit.corpus.files.shown`)."""

    path: str
    key: str
    content: str
    size: int
    name: str = ""


class Outcome(NamedTuple):
    """What building one file gave: ``problem`` is None when the entry was written."""

    path: str
    key: str
    problem: str | None
    seconds: float


def units_frame(doc: Any) -> pd.DataFrame:
    """The searchable stretches of a document (title lines, headings, paragraphs) with their
    text and what KWIC searches in it: the simplified shadow, in a paragraph's reading form (hard
    wraps removed); ``None`` where that equals the text. For character-level counts and KWIC
    prefiltering out of core."""
    rows = []
    full = doc.text
    whole = simplified_shadow(full)  # one character for one, so a unit's shadow is a slice of it
    for u in doc.units():
        text = full[u.start : u.end]
        shadow = text if whole is full else whole[u.start : u.end]
        if u.kind == "paragraph":  # searched as KWIC searches it: hard wraps removed (高质量\n发展)
            shadow = read(shadow)
        rows.append((u.kind, u.section, u.section.split("/")[0], u.section_title, u.paragraph, u.start, u.end,
                     text, None if shadow == text else shadow))
    frame = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
    for col in ("kind", "section", "top", "section_title"):
        frame[col] = frame[col].astype("category")
    frame["shadow"] = frame["shadow"].astype("string")  # a string column even when every value is missing
    return frame.astype({"paragraph": "int64", "start": "int64", "end": "int64"})


def _record(doc: Any, table: pd.DataFrame, job: Job, seconds: float) -> dict[str, Any]:
    found = formulations(doc)
    forms = []
    for f in found.items:
        per_top = Counter(loc.section.split("/")[0] for loc in f.locations)
        forms.append([f.kind, f.text, dict(per_top)])
    counted = int(table["kind"].isin(["han", "latin"]).sum())
    sections = [dict(s) for s in table.attrs.get("sections", [])]
    return {
        "format": STORE_FORMAT,
        "key": job.key,
        "content": job.content,
        "source": {"name": doc.source.name, "encoding": doc.source.encoding, "format": doc.source.format},
        "title": doc.title,
        "meta": {"date": doc.meta.date, "time": doc.meta.time, "source": doc.meta.source, "author": doc.meta.author},
        "byline": doc.byline,
        "sections": sections,
        "tokens": len(table),
        "counted": counted,
        "chars": len(doc.text),
        "paragraphs": len(doc.paragraphs),
        "formulations": forms,
        "seconds": round(seconds, 4),
    }


def _mode(errors: str) -> Literal["strict", "replace"]:
    return "replace" if errors == "replace" else "strict"


def build_chunk(
    jobs: Sequence[Job], segmenter: JiebaSegmenter, encoding: str | None, errors: str, root: str
) -> list[Outcome]:
    """Build the entries of ``jobs`` with one segmenter (one dictionary load for the chunk).

    Every failure becomes an outcome with its reason; nothing is skipped silently. In a worker
    process the segmenter arrives pickled, without its loaded dictionaries; the first one of its
    fingerprint is kept (:func:`_worker_segmenter`), so each process loads them once, not once
    per chunk.
    """
    segmenter = _worker_segmenter(segmenter)
    store = Store(Path(root))
    out: list[Outcome] = []
    for job in jobs:
        t0 = time.perf_counter()
        try:
            data = read_regular(job.path)
            if content_hash(data) != job.content:
                raise StudykitError(
                    f"文件在构建时被修改 / {job.path} changed while the corpus was built: load it again"
                )
            # The user chose these files, so a file beyond read_source's default size limit is read.
            source = read_source(job.path, encoding=encoding, errors=_mode(errors), max_bytes=max(len(data), 1),
                                 name=Path(job.name).name if job.name else None)
            doc = parse_document(source)
            table = tokenize(doc, segmenter)
            units = units_frame(doc)
            store.write(job.key, table, units, _record(doc, table, job, time.perf_counter() - t0))
            out.append(Outcome(job.path, job.key, None, time.perf_counter() - t0))
        except StudykitError as exc:
            out.append(Outcome(job.path, job.key, str(exc), time.perf_counter() - t0))
        except Exception as exc:  # reported with its type, never swallowed
            out.append(Outcome(job.path, job.key, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0))
    return out


_SEGMENTERS: dict[str, JiebaSegmenter] = {}
"""The segmenters this process has built with, by fingerprint: a worker keeps the first copy it is
sent, with its loaded rjieba/jieba dictionaries and POS tagger (0.3–1 s to load)."""


def _worker_segmenter(segmenter: JiebaSegmenter) -> JiebaSegmenter:
    """``segmenter``, or the equal one (same fingerprint: backend, dictionary, user words,
    stopwords, filler) this worker process already loaded. Only in a worker (a child process of
    Dask's local scheduler or of a ``distributed`` nanny): the caller's own process keeps nothing."""
    import multiprocessing

    if multiprocessing.parent_process() is None:
        return segmenter
    return _SEGMENTERS.setdefault(segmenter.fingerprint(), segmenter)


def chunks(jobs: Sequence[Job], workers: int) -> list[list[Job]]:
    """Jobs split into chunks of about equal size (largest first, each to the lightest chunk)."""
    if not jobs:
        return []
    total = sum(j.size for j in jobs)
    count = min(len(jobs), max(4 * workers, math.ceil(total / CHUNK_BYTES)))
    loads = [0] * count
    out: list[list[Job]] = [[] for _ in range(count)]
    for job in sorted(jobs, key=lambda j: -j.size):
        i = loads.index(min(loads))
        out[i].append(job)
        loads[i] += max(job.size, 1)
    return [c for c in out if c]


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def run(
    jobs: Sequence[Job],
    *,
    segmenter: JiebaSegmenter,
    encoding: str | None,
    errors: str,
    store: Store,
    scheduler: Any,
    workers: int | None,
    progress: Callable[[int], None] | None,
) -> list[Outcome]:
    """Build ``jobs`` where ``scheduler`` says; ``progress(n)`` is called as files finish."""
    check_scheduler(scheduler)
    if not jobs:
        return []
    n_workers = workers or cpu_count()
    total = sum(j.size for j in jobs)
    if scheduler is None:
        parallel = n_workers > 1 and len(jobs) > 1 and total > PARALLEL_FROM_BYTES
        scheduler = "processes" if parallel else "sync"
    root = str(store.root)
    parts = chunks(jobs, n_workers if scheduler != "sync" else 1)
    args = (segmenter, encoding, errors, root)
    if scheduler == "sync":
        outcomes: list[Outcome] = []
        for part in parts:
            got = build_chunk(part, *args)
            outcomes += got
            if progress is not None:
                progress(len(got))
        return outcomes
    if isinstance(scheduler, str) and scheduler in LOCAL_SCHEDULERS:
        return _run_local(parts, args, scheduler, n_workers, progress)
    return _run_distributed(parts, args, scheduler, progress)


def _run_local(
    parts: list[list[Job]], args: tuple[Any, ...], scheduler: str, workers: int,
    progress: Callable[[int], None] | None,
) -> list[Outcome]:
    from dask.base import compute
    from dask.callbacks import Callback
    from dask.delayed import delayed

    sizes: dict[Any, int] = {}
    tasks = []
    for part in parts:
        task = delayed(build_chunk, pure=False)(part, *args)
        sizes[task.key] = len(part)
        tasks.append(task)

    class _Tick(Callback):  # type: ignore[misc]
        def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
            if progress is not None and key in sizes:
                progress(sizes[key])

    from concurrent.futures.process import BrokenProcessPool

    try:
        with _Tick():  # type: ignore[no-untyped-call]
            results = compute(*tasks, scheduler=scheduler, num_workers=workers)  # type: ignore[no-untyped-call]
    except BrokenProcessPool:
        raise StudykitError(
            "构建进程意外退出 / a worker process of the corpus build stopped: in a script, put the code "
            "under if __name__ == \"__main__\": (worker processes start by importing the script), "
            "or pass scheduler=\"sync\" (one process) or \"threads\""
        ) from None
    return [o for chunk in results for o in chunk]


SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss")
"""Address schemes of a Dask scheduler that ``scheduler=`` takes."""

CONNECT_SECONDS = 10.0
"""How long reaching a Dask scheduler may take in all (connecting and its first answer)."""


def _bad_scheduler(scheduler: object, why: str) -> QueryError:
    return QueryError(
        f"调度器无效 / unknown scheduler {scheduler!r}{why}: use 'processes', 'threads', 'sync' "
        "or a Dask scheduler address such as tcp://127.0.0.1:8786"
    )


def check_scheduler(scheduler: Any) -> None:
    """Refuse a ``scheduler`` that names no scheduler, before anything is read: not one of
    :data:`LOCAL_SCHEDULERS`, not an address ``tcp://host:port`` (or ``tls``/``ws``/``wss``)
    with a port from 1 to 65535, not a ``distributed.Client``. Raises
    :class:`~studykit.errors.QueryError` with one line."""
    from urllib.parse import urlsplit

    if scheduler is None or (isinstance(scheduler, str) and scheduler in LOCAL_SCHEDULERS):
        return
    if not isinstance(scheduler, str):
        if type(scheduler).__name__ == "Client" and hasattr(scheduler, "submit"):
            return
        raise _bad_scheduler(scheduler, f" ({type(scheduler).__name__})")
    if "://" not in scheduler:
        raise _bad_scheduler(scheduler, "")
    try:
        parts = urlsplit(scheduler)
        port = parts.port
    except ValueError as exc:
        raise _bad_scheduler(scheduler, f" ({exc})") from None
    if parts.scheme not in SCHEDULER_SCHEMES:
        raise _bad_scheduler(scheduler, f" (scheme {parts.scheme or '(none)'}: use one of {' '.join(SCHEDULER_SCHEMES)})")
    if not parts.hostname:
        raise _bad_scheduler(scheduler, " (no host)")
    if port is None or port == 0:
        raise _bad_scheduler(scheduler, " (no port, e.g. :8786)")


def _unreachable(address: str, why: str) -> StudykitError:
    return StudykitError(
        f"无法连接 Dask 调度器 / cannot reach the Dask scheduler at {address}: {why}; "
        "start one (dask scheduler) or leave scheduler unset"
    )


def _reachable(address: str) -> None:
    """Fail within :data:`CONNECT_SECONDS` when ``address`` does not answer as a Dask scheduler:
    the connection is refused, or the port accepts but never answers the ``identity`` request
    (``distributed.Client``'s own ``timeout`` does not cover that, and waits much longer). The
    probe runs on its own event loop in a thread, so it also works inside Jupyter's loop."""
    import asyncio
    import concurrent.futures
    from urllib.parse import urlsplit

    async def probe() -> Any:
        from distributed.comm.core import connect

        comm = await connect(address, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    import socket

    parts = urlsplit(address)
    try:  # a refused connection fails at once (distributed itself retries until its timeout)
        with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=CONNECT_SECONDS / 2):
            pass
    except OSError as exc:
        raise _unreachable(address, exc.strerror or type(exc).__name__) from None
    if parts.scheme != "tcp":  # tls/ws need the cluster's security settings: Client checks
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(lambda: asyncio.run(asyncio.wait_for(probe(), CONNECT_SECONDS)))
        try:
            answer = future.result()
        except TimeoutError:
            raise _unreachable(address, f"no answer within {CONNECT_SECONDS:g} s (is it a Dask scheduler?)") from None
        except OSError as exc:
            raise _unreachable(address, exc.strerror or type(exc).__name__) from None
        except Exception as exc:  # a closed stream, a reply in another protocol
            raise _unreachable(address, f"it does not answer as a Dask scheduler ({type(exc).__name__})") from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise _unreachable(address, "it answers, but not as a Dask scheduler")


def _run_distributed(
    parts: list[list[Job]], args: tuple[Any, ...], scheduler: Any,
    progress: Callable[[int], None] | None,
) -> list[Outcome]:
    from distributed import Client, as_completed

    own = isinstance(scheduler, str)
    if own:
        _reachable(scheduler)
        try:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS:g}s", set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise _unreachable(scheduler, type(exc).__name__) from None
    else:
        client = scheduler
    try:
        futures = {client.submit(build_chunk, part, *args, pure=False): len(part) for part in parts}
        outcomes: list[Outcome] = []
        for fut in as_completed(list(futures), loop=client.loop):  # type: ignore[no-untyped-call]
            outcomes += fut.result()
            if progress is not None:
                progress(futures[fut])
        return outcomes
    finally:
        if own:
            client.close()  # type: ignore[no-untyped-call]
