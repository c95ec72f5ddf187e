"""Every error becomes an RFC 9457 problem+json response, here and nowhere else."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from newswire.errors import NewswireError, TooManyRequests, Unavailable

__all__ = ["error_response", "install_problem_handlers", "problem"]

log = logging.getLogger(__name__)
PROBLEM_TYPE = "https://newswire.dev/problems/"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    slug = title.lower().replace(" ", "-")
    body = {"type": PROBLEM_TYPE + slug, "title": title, "status": status, "detail": detail}
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(
        body | extra, status_code=status, media_type="application/problem+json", headers=headers
    )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        ctx = errors[0].get("ctx", {})
        return problem(
            400,
            "Malformed JSON",
            f"the request body is not valid JSON: {ctx.get('error', 'parse error')}",
        )
    fields = [
        {"field": _location(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
        for e in errors
    ]
    detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return problem(422, "Invalid input", detail, errors=fields)


def error_response(exc: NewswireError) -> JSONResponse:
    """The problem response of one of our errors, with its headers (Retry-After on 429)."""
    response = problem(exc.status, exc.title, str(exc))
    if isinstance(exc, TooManyRequests):
        response.headers.update(exc.headers | {"Retry-After": str(exc.retry_after)})
    return response


def _newswire(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NewswireError)
    return error_response(exc)


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}
    title = titles.get(exc.status_code, "HTTP error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    response = problem(exc.status_code, title, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _database(_: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, psycopg.DataError):
        return problem(422, "Invalid input", f"the database refused a value: {exc}")
    log.error("database error: %s", exc)
    return _newswire(_, Unavailable("the database is not answering; retry shortly"))


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "Internal error", "newswire failed unexpectedly; the error is logged")


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error family to its problem response."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(NewswireError, _newswire)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(psycopg.Error, _database)
    app.add_exception_handler(Exception, _unexpected)
