"""The common naive design: FastAPI + sse-starlette, one asyncio.Queue per client.

    python naive_server.py PORT

`GET /v1/stream` gives each client its own queue and an sse-starlette response reading
from it; `POST /publish` with an event's data as the body puts the event into every
queue and answers `{"seq": SEQ}`. Defaults everywhere, as such servers are usually run.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

app = FastAPI()
queues: set[asyncio.Queue[tuple[int, str]]] = set()
last_seq = 0


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness for the bench."""
    return {"status": "ok"}


@app.get("/v1/stream")
async def stream() -> EventSourceResponse:
    """One queue for this client, drained into its SSE response."""
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    queues.add(queue)

    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            while True:
                seq, data = await queue.get()
                yield ServerSentEvent(data=data, id=str(seq), event="publish")
        finally:
            queues.discard(queue)

    return EventSourceResponse(events(), ping=15)


@app.post("/publish")
async def publish(request: Request) -> dict[str, int]:
    """Put the event into every client's queue."""
    global last_seq
    data = (await request.body()).decode()
    last_seq += 1
    for queue in list(queues):
        queue.put_nowait((last_seq, data))
    return {"seq": last_seq}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
