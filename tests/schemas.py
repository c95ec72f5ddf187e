"""The official IPTC ninjs schemas from ../shared/standards, loaded offline."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.conftest import SHARED

NINJS = SHARED / "standards" / "ninjs"
GEOJSON_URL = "https://geojson.org/schema/GeoJSON.json"


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((NINJS / name).read_text())
    geojson = Resource.from_contents(json.loads((NINJS / "GeoJSON-schema.json").read_text()))
    registry: Registry[Any] = Registry().with_resource(GEOJSON_URL, geojson)
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def ninjs3_errors(item: dict[str, Any]) -> list[str]:
    """Schema violations of a ninjs 3.1 item (skips the test where the schemas are absent)."""
    if not (NINJS / "ninjs-schema_3.1.json").exists():
        pytest.skip(f"the IPTC ninjs schemas are not at {NINJS} (a checkout without ../shared)")
    return [
        f"{list(e.absolute_path)}: {e.message}"
        for e in _validator("ninjs-schema_3.1.json").iter_errors(item)
    ]
