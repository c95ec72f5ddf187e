"""The search index: a Tantivy index beside each node, fed from the wire log.

`follower.run_search_follower` keeps it current, `reindex.reindex` rebuilds it,
`query` turns a subscriber's search and plan into one index query, and `results`
runs it. The index lives in `<data_dir>/search` (see `index_dir`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["index_dir"]


def index_dir(data_dir: Path) -> Path:
    """Where a node keeps its search index: `<data_dir>/search`."""
    return data_dir / "search"
