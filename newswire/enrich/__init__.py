"""Enrichment: pure functions from an item to what it lacks; the editor's metadata wins."""
