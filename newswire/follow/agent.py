"""The follow loop: read the wire (stream first, cursor feed when the stream fails),
write each event's files into the hot folder, then move the cursor.

The agent keeps no state per item: a counter of what it wrote and one cursor. Kills
find an item's earlier files by their name prefix in the folder, not in memory.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx

from newswire import formats
from newswire.delivery.filenames import item_file, kill_file, rendition_file
from newswire.follow.exits import (
    EXIT_AUTH,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    AuthRefused,
    BadUsage,
    ServerTrouble,
    Stopped,
)
from newswire.follow.folder import HotFolder
from newswire.follow.source import WireClient, WireEvent

__all__ = ["Agent", "AgentOptions", "follow"]

log = logging.getLogger("newswire.follow")


@dataclass(frozen=True)
class AgentOptions:
    """What `newswire follow` was asked to do."""

    url: str
    key: str
    fmt: str
    out: Path
    after: int = 0
    keep_killed: bool = False
    renditions: bool = True
    use_stream: bool = True
    give_up_after: float = 300.0
    stream_retry: float = 60.0
    feed_wait: float = 20.0
    progress_every: int = 100
    heartbeat_timeout: float = 45.0


@dataclass
class Counts:
    """What the agent has done since it started (for progress lines)."""

    events: int = 0
    files: int = 0
    kills: int = 0
    removed: int = 0
    renditions: int = 0
    skipped: int = 0


class Agent:
    """One running agent: a wire client, a hot folder and a cursor."""

    def __init__(self, options: AgentOptions) -> None:
        if options.fmt not in formats.FORMAT_NAMES:
            raise BadUsage(f"--format {options.fmt}: use one of {', '.join(formats.FORMAT_NAMES)}")
        self.options = options
        self.ext = formats.file_extension(options.fmt)
        self.folder = HotFolder(options.out, options.fmt)
        self.client = WireClient(options.url, options.key, options.heartbeat_timeout)
        saved = self.folder.cursor()
        self.cursor = options.after if saved is None else saved
        if saved is None:  # claim a new folder for this format at once
            self.folder.save_cursor(self.cursor)
        self.counts = Counts()

    def close(self) -> None:
        """Close the connection and release the folder."""
        self.client.close()
        self.folder.close()

    def run(self, clock: Callable[[], float] = time.monotonic) -> int:
        """Follow until stopped; the exit status."""
        log.info(
            "following %s in %s into %s from seq %d",
            self.options.url, self.options.fmt, self.options.out, self.cursor,
        )  # fmt: skip
        failing_since: float | None = None
        backoff = 1.0
        stream_after = 0.0 if self.options.use_stream else float("inf")
        while True:
            on_stream = clock() >= stream_after
            try:
                if on_stream:
                    opened = clock()
                    for event in self._stream():
                        failing_since, backoff = None, 1.0
                        self.apply(event)
                    if clock() - opened < 1.0:  # closed at once: do not reconnect in a loop
                        time.sleep(1.0)
                else:
                    self._feed_page()
                failing_since, backoff = None, 1.0
                continue
            except AuthRefused as err:
                log.error("%s", err)
                return EXIT_AUTH
            except (httpx.HTTPError, ServerTrouble) as err:
                problem = err
            now = clock()
            failing_since = now if failing_since is None else failing_since
            if now - failing_since > self.options.give_up_after:
                log.error(
                    "giving up: the server has been unreachable for %.0f s", now - failing_since
                )
                return EXIT_UNREACHABLE
            if on_stream:
                stream_after = now + self.options.stream_retry
                log.warning("stream failed (%s); using the cursor feed", _short(problem))
                continue  # try the feed at once
            log.warning("feed failed (%s); retrying in %.0f s", _short(problem), backoff)
            time.sleep(backoff)
            backoff = min(backoff * 2, 30.0)

    def _stream(self) -> Iterator[WireEvent]:
        """Stream events; on a clean end, the caller reconnects (after its cursor)."""
        yield from self.client.stream(self.cursor)

    def _feed_page(self) -> None:
        page = self.client.feed(self.cursor, self.options.feed_wait)
        for event in page.events:
            self.apply(event)
        if page.next > self.cursor:
            self.cursor = page.next
            self.folder.save_cursor(self.cursor)

    def apply(self, event: WireEvent) -> None:
        """Write one event's files, then move the cursor past it."""
        if event.seq <= self.cursor:
            return  # already in the folder (a resumed stream may repeat nothing, but be safe)
        if event.kind == "kill":
            self._apply_kill(event)
        else:
            self._apply_version(event)
        self.cursor = event.seq
        self.folder.save_cursor(event.seq)
        self.counts.events += 1
        every = self.options.progress_every
        if every and self.counts.events % every == 0:
            self.report()

    def report(self) -> None:
        """One progress line."""
        c = self.counts
        log.info(
            "%d events: %d files, %d kills (%d files removed), %d renditions, %d skipped;"
            " cursor %d",
            c.events, c.files, c.kills, c.removed, c.renditions, c.skipped, self.cursor,
        )  # fmt: skip

    def _content(self, event: WireEvent) -> bytes | None:
        if self.options.fmt == "ninjs3":  # the same bytes the server renders, as received
            return json.dumps(event.item, ensure_ascii=False).encode()
        return self.client.rendering(event.uri, event.version, self.options.fmt)

    def _apply_version(self, event: WireEvent) -> None:
        body = self._content(event)
        if body is None:  # withheld or killed since: the kill (if any) follows in the log
            self.counts.skipped += 1
            log.info(
                "seq %d: %s v%d is no longer shown; skipped", event.seq, event.uri, event.version
            )
            return
        if self.options.renditions:
            self._download_renditions(event)
        self.folder.write(item_file(event.uri, event.version, self.ext), body)
        self.counts.files += 1

    def _apply_kill(self, event: WireEvent) -> None:
        name = kill_file(event.uri, event.version, self.ext)
        body = self._content(event)
        if body is None:  # the server's rendering is gone; the notice in ninjs is not
            body = json.dumps(event.item, ensure_ascii=False).encode()
        self.folder.write(name, body)
        self.counts.kills += 1
        if not self.options.keep_killed:
            self.counts.removed += self.folder.remove_item(event.uri, keep=name)
        log.info("seq %d: %s killed", event.seq, event.uri)

    def _download_renditions(self, event: WireEvent) -> None:
        for rendition in event.item.get("renditions") or []:
            name = rendition.get("name") if isinstance(rendition, dict) else None
            if not isinstance(name, str) or not name:
                continue
            with self.client.rendition(event.uri, name) as response:
                if response is None:
                    continue
                ext = _extension(response.headers.get("content-type"), rendition.get("href"))
                target = rendition_file(event.uri, event.version, name, ext)
                self.folder.write_chunks(target, response.iter_bytes(64 * 1024))
                self.counts.renditions += 1


def _extension(content_type: str | None, href: object) -> str:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    guessed = mimetypes.guess_extension(media) if media else None
    if guessed:
        return guessed.lstrip(".")
    if isinstance(href, str) and "." in href.rsplit("/", 1)[-1]:
        suffix = href.rsplit(".", 1)[-1].split("?", 1)[0].lower()
        if suffix.isalnum() and len(suffix) <= 5:
            return suffix
    return "bin"


def _short(err: BaseException) -> str:
    return (str(err) or type(err).__name__)[:300]


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def follow(options: AgentOptions) -> int:
    """Run the agent in this process until SIGTERM or SIGINT; the exit status."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        agent = Agent(options)
    except BadUsage as err:
        log.error("%s", err)
        return EXIT_USAGE
    try:
        return agent.run()
    except Stopped as stop:
        log.info("stopping on %s at seq %d", stop, agent.cursor)
        agent.report()
        return EXIT_OK
    finally:
        agent.close()
