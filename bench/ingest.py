"""Ingest throughput: `newswire ingest` over a generated folder of N files, stories per second.

Writes N stories of our own (a mix of ninjs 3, ninjs 2, NewsML-G2 and NITF files,
several languages), runs `newswire ingest FOLDER --products world` on a fresh data dir
with the embedded PostgreSQL, and prints and saves the rate as JSON.

    .venv/bin/python bench/ingest.py [--count 10000]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from newswire import formats
from newswire.model import Item, Text

RESULTS = Path(__file__).parent / "results"
FORMATS = ("ninjs3", "ninjs2", "newsmlg2", "nitf")
LANGUAGES = (
    ("en", "Port authority reopens the northern terminal after repairs"),
    ("tr", "Liman idaresi onarımların ardından kuzey terminalini yeniden açtı"),
    ("fr", "Le port rouvre son terminal nord après des travaux"),
    ("ar", "سلطة الميناء تعيد فتح المحطة الشمالية بعد الإصلاحات"),
)


def _story(n: int) -> Item:
    language, headline = LANGUAGES[n % len(LANGUAGES)]
    paragraphs = "".join(f"<p>{headline}, paragraph {p} of story {n}.</p>" for p in range(6))
    return Item(
        uri=f"urn:newsml:bench.example:{n}",
        version="1",
        language=language,
        urgency=1 + n % 8,
        version_created=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        headlines=[Text(role="main", value=f"{headline} ({n})")],
        bodies=[Text(value=paragraphs, content_type="text/html")],
    )


def _write_files(folder: Path, count: int) -> None:
    for n in range(count):
        fmt = FORMATS[n % len(FORMATS)]
        (folder / f"{n:06d}-{fmt}.{formats.file_extension(fmt)}").write_bytes(
            formats.render(fmt, _story(n))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, data = Path(tmp) / "files", Path(tmp) / "data"
        folder.mkdir()
        _write_files(folder, args.count)
        newswire = [sys.executable, "-m", "newswire"]
        subprocess.run(
            [*newswire, "product", "add", "world", "--data-dir", str(data)],
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        done = subprocess.run(
            [*newswire, "ingest", str(folder), "--products", "world", "--data-dir", str(data)],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    report = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    result = {
        "benchmark": "ingest",
        "files": args.count,
        "formats": list(FORMATS),
        "seconds": round(seconds, 2),
        "stories_per_s": round(args.count / seconds, 1),
        "report": report,
        "exit_status": done.returncode,
        "machine": f"{platform.machine()} {platform.python_version()}",
        "includes": "process start, embedded PostgreSQL start, parse, enrich, store, commit",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
