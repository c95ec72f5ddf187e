"""The physical floor: a bare asyncio server writing the same bytes to every stream socket.

    python floor_server.py PORT

Any GET becomes an SSE stream (HTTP/1.1, chunked). `POST /publish` with an event's data
as the body encodes the frame `id: SEQ / event: publish / data: BODY` once, writes it as
one chunk to every stream socket, and answers `{"seq": SEQ}`. Nothing else happens per
connection: this is what one Python event loop costs at the least. It runs on uvloop when
installed, as uvicorn does.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
    b"cache-control: no-store\r\ntransfer-encoding: chunked\r\n\r\n"
)
MAX_HEAD = 16 * 1024


class Floor:
    """The stream sockets and the last sequence number."""

    def __init__(self) -> None:
        self.streams: set[asyncio.Transport] = set()
        self.seq = 0

    def publish(self, data: bytes) -> int:
        """Encode one frame and write it to every stream."""
        self.seq += 1
        frame = b"id: %d\nevent: publish\ndata: %b\n\n" % (self.seq, data)
        chunk = b"%x\r\n%b\r\n" % (len(frame), frame)
        for transport in self.streams:
            transport.write(chunk)
        return self.seq


class Peer(asyncio.Protocol):
    """One connection: a stream after a GET, a publisher after a POST."""

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.buffer = b""
        self.streaming = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.streaming:
            return
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end]
            if head.startswith(b"POST /publish"):
                length = _content_length(head)
                if len(self.buffer) < end + 4 + length:
                    return
                body = self.buffer[end + 4 : end + 4 + length]
                self.buffer = self.buffer[end + 4 + length :]
                answer = json.dumps({"seq": self.floor.publish(body)}).encode()
                self.transport.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: %d\r\n\r\n%b" % (len(answer), answer)
                )
            else:
                self.streaming = True
                self.buffer = b""
                self.transport.write(HEAD)
                self.floor.streams.add(self.transport)
                return
        if len(self.buffer) > MAX_HEAD:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.floor.streams.discard(self.transport)


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def main(port: int) -> None:
    """Serve until SIGTERM or SIGINT."""
    floor = Floor()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Peer(floor), "127.0.0.1", port, backlog=2048)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    for transport in list(floor.streams):
        transport.abort()


if __name__ == "__main__":
    try:  # the fastest event loop installed, the one uvicorn (and so newswire) uses too
        import uvloop

        uvloop.run(main(int(sys.argv[1])))
    except ImportError:
        asyncio.run(main(int(sys.argv[1])))
