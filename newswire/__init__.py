"""newswire: an open-source news-agency wire."""

__version__ = "0.1.0"
