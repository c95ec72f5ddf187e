"""The index on disk: generations, the one writer, and readers that follow its commits.

An index directory holds generations (`v1-0`, `v1-<ns>`, ...) and a `CURRENT` file
naming the one that is served. `newswire reindex` builds a new generation beside
the served one and swaps `CURRENT` atomically, so searches never see a half-built
index and a running server's follower moves over by itself. Each generation keeps
the last wire-log seq it has applied in its `seq` file, so a restart resumes there.
A new schema version starts a fresh generation, rebuilt from the log.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path

import tantivy

from newswire.model import ItemState
from newswire.search.schema import SCHEMA, document, register_analyzers

__all__ = [
    "SCHEMA_VERSION",
    "IndexWriter",
    "NotServed",
    "WriterBusy",
    "current_generation",
    "new_generation",
    "open_index",
    "publish_generation",
    "read_seq",
    "remove_old_generations",
    "searcher",
]

log = logging.getLogger(__name__)
SCHEMA_VERSION = 2  # 2: word-pair fields for phrases
_PREFIX = f"v{SCHEMA_VERSION}-"
_CURRENT = "CURRENT"
_SEQ = "seq"
_WRITER_HEAP = 50_000_000
_open: dict[Path, tantivy.Index] = {}
_lock = threading.Lock()


class WriterBusy(Exception):
    """Another process on this node holds the index's writer."""


class NotServed(Exception):
    """No generation is served yet: the follower is still building the first one."""


def _stamp(generation: Path) -> int:
    try:
        return int(generation.name.removeprefix(_PREFIX))
    except ValueError:
        return -1


def current_generation(index_dir: Path) -> Path | None:
    """The generation being served, or None when there is none of this schema version."""
    try:
        name = (index_dir / _CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    generation = index_dir / name
    if not name.startswith(_PREFIX) or not (generation / "meta.json").exists():
        return None
    return generation


def new_generation(index_dir: Path, *, first: bool = False) -> Path:
    """A new, empty generation (`first`: the fixed name every process agrees on)."""
    name = f"{_PREFIX}0" if first else f"{_PREFIX}{time.time_ns()}"
    generation = index_dir / name
    generation.mkdir(parents=True, exist_ok=True)
    open_index(generation)
    return generation


def publish_generation(index_dir: Path, generation: Path) -> None:
    """Serve `generation` from now on (an atomic rename of the `CURRENT` file)."""
    temp = index_dir / f"{_CURRENT}.{os.getpid()}.{threading.get_ident()}"
    temp.write_text(generation.name + "\n")
    os.replace(temp, index_dir / _CURRENT)


def remove_old_generations(index_dir: Path) -> None:
    """Delete generations older than the served one (newer ones may be a reindex at work)."""
    current = current_generation(index_dir)
    if current is None:
        return
    for path in index_dir.iterdir():
        older = path.name.startswith(_PREFIX) and _stamp(path) < _stamp(current)
        other_version = path.name.startswith("v") and not path.name.startswith(_PREFIX)
        if path.is_dir() and (older or other_version):
            shutil.rmtree(path, ignore_errors=True)


def open_index(generation: Path) -> tantivy.Index:
    """The generation's index, opened once per process and shared by writer and readers."""
    with _lock:
        index = _open.get(generation)
        if index is None:
            index = tantivy.Index(SCHEMA, path=str(generation), reuse=True)
            register_analyzers(index)
            _open[generation] = index
        return index


def searcher(index_dir: Path) -> tuple[tantivy.Index, tantivy.Searcher] | None:
    """A searcher on the served generation (None before the first one exists)."""
    generation = current_generation(index_dir)
    if generation is None:
        return None
    if generation not in _open:
        _forget_older(generation)
    index = open_index(generation)
    return index, index.searcher()


def _forget_older(generation: Path) -> None:
    """Drop this process's handles on generations a reindex replaced."""
    with _lock:
        for path in list(_open):
            if path.parent == generation.parent and _stamp(path) < _stamp(generation):
                del _open[path]


def read_seq(generation: Path) -> int:
    """The last wire-log seq applied to a generation (0 for a new one)."""
    try:
        return int((generation / _SEQ).read_text())
    except (FileNotFoundError, ValueError):
        return 0


class IndexWriter:
    """The one writer of a generation: replace and delete documents, commit with a seq."""

    def __init__(self, generation: Path) -> None:
        self.generation = generation
        self._index = open_index(generation)
        try:
            self._writer = self._index.writer(_WRITER_HEAP, 1)
        except ValueError as err:
            if "LockBusy" in str(err):
                raise WriterBusy(f"{generation} is written by another process") from err
            raise
        self.seq = read_seq(generation)

    def replace(self, state: ItemState, released: datetime) -> None:
        """Put this version in place of whatever the index holds for its uri."""
        uri = state.item.uri or ""
        self._writer.delete_documents_by_term("uri", uri)
        self._writer.add_document(document(state, released))

    def delete(self, uri: str) -> None:
        """Remove the item from the index."""
        self._writer.delete_documents_by_term("uri", uri)

    def commit(self, seq: int) -> None:
        """Make the changes durable and visible, then record `seq` as applied."""
        self._writer.commit()
        self._index.reload()
        temp = self.generation / f"{_SEQ}.tmp"
        temp.write_text(str(seq))
        os.replace(temp, self.generation / _SEQ)
        self.seq = seq

    def num_docs(self) -> int:
        """How many documents the committed index holds."""
        count: int = self._index.searcher().num_docs
        return count

    def close(self) -> None:
        """Release the writer's lock (uncommitted changes are dropped)."""
        try:
            self._writer.rollback()
            self._writer.wait_merging_threads()
        except (ValueError, RuntimeError) as err:  # a commit still running when cancelled
            log.warning("search index writer closed uncleanly: %s", err)
        del self._writer
