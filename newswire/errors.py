"""One family of errors; the web layer maps each to an HTTP status in one place."""

__all__ = [
    "Conflict",
    "Forbidden",
    "Gone",
    "Invalid",
    "NewswireError",
    "NotFound",
    "TooLarge",
    "TooManyRequests",
    "Unauthorized",
    "Unavailable",
]


class NewswireError(Exception):
    """Base of every error newswire reports to a user; the message says what to do."""

    status = 400
    title = "Bad request"


class Invalid(NewswireError):
    """The input is malformed or breaks a rule; the message names the field."""

    status = 422
    title = "Invalid input"


class NotFound(NewswireError):
    """The thing does not exist, or the caller may not know that it exists."""

    status = 404
    title = "Not found"


class Gone(NewswireError):
    """The thing existed and was withdrawn (a killed story on the public site)."""

    status = 410
    title = "Gone"


class TooLarge(NewswireError):
    """The request body (an upload) is larger than the server accepts."""

    status = 413
    title = "Content too large"


class TooManyRequests(NewswireError):
    """A rate limit, daily quota or connection cap is reached; retry after `retry_after` s."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, retry_after: int, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.retry_after = max(1, retry_after)
        self.headers = headers or {}


class Unauthorized(NewswireError):
    """No key, or a key that newswire does not know."""

    status = 401
    title = "Unauthorized"


class Forbidden(NewswireError):
    """The key is valid but its role may not do this."""

    status = 403
    title = "Forbidden"


class Conflict(NewswireError):
    """The request clashes with the current state (an existing slug, a killed story)."""

    status = 409
    title = "Conflict"


class Unavailable(NewswireError):
    """The database or another dependency is not answering; retry later."""

    status = 503
    title = "Service unavailable"
