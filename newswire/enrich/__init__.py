"""Enrichment: pure functions from an item to what it lacks; the editor's metadata wins.

`pipeline.enrich` / `pipeline.enrich_with_provenance` run the steps: language, sentences,
summary, entities, topics, keywords; `fingerprint` is the near-duplicate hash.
"""
