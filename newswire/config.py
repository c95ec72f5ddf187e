"""Settings: one table of every option with its default and help; read once at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

__all__ = ["SETTINGS_HELP", "Settings"]

# name: (environment variable, default, help)
SETTINGS_HELP: dict[str, tuple[str, str, str]] = {
    "data_dir": (
        "NEWSWIRE_DATA_DIR",
        "./newswire-data",
        "where the embedded PostgreSQL and the search index live",
    ),
    "database_url": (
        "NEWSWIRE_DATABASE_URL",
        "",
        "a PostgreSQL URL; empty starts the embedded server in data_dir",
    ),
    "agency_name": (
        "NEWSWIRE_AGENCY_NAME",
        "Newswire Agency",
        "the agency's name on pages, feeds and kill notices",
    ),
    "uri_prefix": (
        "NEWSWIRE_URI_PREFIX",
        "urn:newswire:",
        "prefix of the uri newswire gives an item that arrives without one",
    ),
    "pool_size": ("NEWSWIRE_POOL_SIZE", "10", "PostgreSQL connections per server process"),
    "feed_max_wait": (
        "NEWSWIRE_FEED_MAX_WAIT",
        "60",
        "longest long-poll wait in seconds a feed request may ask for",
    ),
    "log_format": (
        "NEWSWIRE_LOG_FORMAT",
        "json",
        "json: one JSON object a log line with the request id; text: Python's default",
    ),
    "media_max_bytes": (
        "NEWSWIRE_MEDIA_MAX_BYTES",
        str(500 * 1024 * 1024),
        "largest picture or video upload in bytes; a larger one is refused with 413",
    ),
    "media_max_pixels": (
        "NEWSWIRE_MEDIA_MAX_PIXELS",
        "100000000",
        "most pixels a picture (or video frame) may have; checked before decoding",
    ),
    "media_video_seconds": (
        "NEWSWIRE_MEDIA_VIDEO_SECONDS",
        "600",
        "time limit in seconds for each ffmpeg run that makes a video rendition",
    ),
    "blob_dir": (
        "NEWSWIRE_BLOB_DIR",
        "",
        "where media files are kept (content-addressed); empty: data_dir/blobs. Nodes that"
        " serve one wire share it (a network file system)",
    ),
    "download_secret": (
        "NEWSWIRE_DOWNLOAD_SECRET",
        "",
        "key for signed download links; empty: a random one kept in data_dir (set it"
        " to the same value on every node)",
    ),
    "public_url": (
        "NEWSWIRE_PUBLIC_URL",
        "",
        "this wire's base URL in rendition links (https://wire.example.com); empty: the"
        " URL the upload request came to",
    ),
    "destination_key": (
        "NEWSWIRE_DESTINATION_KEY",
        "",
        "Fernet key encrypting FTP/SFTP credentials at rest; empty: one generated into"
        " data_dir/destination.key on first start (give every node the same key)",
    ),
    "smtp_host": (
        "NEWSWIRE_SMTP_HOST",
        "",
        "SMTP server for alert e-mails; empty sends none (links in them use public_url)",
    ),
    "smtp_port": ("NEWSWIRE_SMTP_PORT", "25", "SMTP port (587 with starttls, 465 with tls)"),
    "smtp_tls": ("NEWSWIRE_SMTP_TLS", "none", "none, starttls or tls"),
    "smtp_user": ("NEWSWIRE_SMTP_USER", "", "SMTP login; empty sends without one"),
    "smtp_password": ("NEWSWIRE_SMTP_PASSWORD", "", "SMTP password"),
    "smtp_from": ("NEWSWIRE_SMTP_FROM", "newswire@localhost", "sender of alert e-mails"),
}


@dataclass(frozen=True)
class Settings:
    """Every option newswire reads; see SETTINGS_HELP for what each one does."""

    data_dir: Path
    database_url: str
    agency_name: str
    uri_prefix: str
    pool_size: int
    feed_max_wait: int
    log_format: str
    media_max_bytes: int
    media_max_pixels: int
    media_video_seconds: int
    blob_dir: str
    download_secret: str
    public_url: str
    destination_key: str
    smtp_host: str
    smtp_port: int
    smtp_tls: str
    smtp_user: str
    smtp_password: str
    smtp_from: str

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Settings from the environment, with explicit values (command-line options) on top."""
        values: dict[str, object] = {}
        for f in fields(cls):
            env, default, _ = SETTINGS_HELP[f.name]
            raw: object = overrides.get(f.name)
            if raw is None:
                raw = os.environ.get(env, default)
            values[f.name] = _convert(f.type, raw)
        return cls(**values)  # type: ignore[arg-type]


def _convert(kind: object, raw: object) -> object:
    if kind in ("Path", Path):
        return Path(str(raw)).expanduser().resolve()
    if kind in ("int", int):
        return int(str(raw))
    return str(raw)
