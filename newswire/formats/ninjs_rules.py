"""The parts of the ninjs 3.1 schema that the Item model holds loosely, checked by hand.

The model keeps some ninjs objects as plain dicts and shares one Concept type for
subjects, people, places and the rest; the official schema is stricter. These
checks reject what the schema rejects there, and name the JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from newswire.errors import Invalid

__all__ = ["check_item"]

_CONCEPT = {"name", "rel", "uri", "literal"}
_CONTACT_LIST = "contactInfo"
_CONCEPT_KEYS = {
    "subjects": _CONCEPT | {"creator", "relevance", "confidence"},
    "people": _CONCEPT | {_CONTACT_LIST},
    "places": _CONCEPT | {_CONTACT_LIST, "geoJSON"},
    "events": _CONCEPT,
    "objects": _CONCEPT,
    "genres": {"name", "uri", "literal"},
    "infoSources": {"name", "role", "uri", "literal", _CONTACT_LIST},
    "organisations": _CONCEPT | {"symbols", _CONTACT_LIST},
    "altIds": {"role", "value"},
    "trustIndicators": {"role", "href", "title"},
}
_OBJECT_KEYS = {
    "standard": {"name", "version", "schema"},
    "digitalSourceType": {"name", "uri", "literal"},
    "rightsInfo": {"langId", "linkedRights", "encodedRights"},
    "eventDetails": {"eventStatus", "plannedCoverageStatus", "dates", "organiser"},
}
_CONTACT_KEYS = {"type", "role", "lang", "name", "value", "address"}
_ADDRESS_KEYS = {"lines", "locality", "area", "postalCode", "country"}
_DATES_KEYS = {
    "startDate",
    "endDate",
    "expectedStartDate",
    "expectedEndDate",
    "expectedDuration",
    "recurrence",
}
_COVERAGE_KEYS = {
    "uri",
    "pubStatus",
    "type",
    "commissioned",
    "dates",
    "audiences",
    "exclAudience",
    "edNote",
    "urgency",
    "language",
    "itemCount",
    "wordCount",
    "renditions",
    "title",
}
_GEO_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Feature",
    "FeatureCollection",
}
_TRUNCATED = re.compile(
    r"^-?\d{4}(-(1[0-2]|0[1-9])(-(3[01]|0[1-9]|[12]\d)"
    r"(T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?)?)?)?$"
)


def check_item(data: Mapping[str, Any], path: str = "") -> None:
    """Raise Invalid where a ninjs 3 item breaks the schema in a part the model holds loosely."""
    for key, allowed in _CONCEPT_KEYS.items():
        for i, entry in enumerate(_list(data, key, path)):
            where = f"{path}{key}[{i}]"
            _keys(entry, allowed, where)
            for j, contact in enumerate(_list(entry, _CONTACT_LIST, where + ".")):
                _contact(contact, f"{where}.contactInfo[{j}]")
            if key == "places" and "geoJSON" in entry:
                _geojson(entry["geoJSON"], f"{where}.geoJSON")
    for key, allowed in _OBJECT_KEYS.items():
        if data.get(key) is not None:
            _keys(data[key], allowed, f"{path}{key}")
    rights = data.get("rightsInfo")
    if rights is not None and ("linkedRights" in rights) == ("encodedRights" in rights):
        raise Invalid(f"{path}rightsInfo: needs exactly one of linkedRights and encodedRights")
    details = data.get("eventDetails")
    if isinstance(details, Mapping) and details.get("dates") is not None:
        _dates(details["dates"], f"{path}eventDetails.dates")
    for i, coverage in enumerate(_list(data, "plannedCoverage", path)):
        _coverage(coverage, f"{path}plannedCoverage[{i}]")
    for i, association in enumerate(_list(data, "associations", path)):
        where = f"{path}associations[{i}]"
        if not isinstance(association, Mapping) or not association.get("uri"):
            raise Invalid(f"{where}.uri: missing (an association needs a uri and a name)")
        check_item(association, where + ".")


def _list(data: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f"{path}{key}: must be an array")
    return value


def _keys(value: Any, allowed: set[str], where: str) -> None:
    if not isinstance(value, Mapping):
        raise Invalid(f"{where}: must be an object")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise Invalid(f"{where}.{unknown[0]}: not a ninjs property here")


def _contact(value: Any, where: str) -> None:
    _keys(value, _CONTACT_KEYS, where)
    if ("value" in value) == ("address" in value):
        raise Invalid(f"{where}: needs exactly one of value and address")
    if "address" in value:
        _keys(value["address"], _ADDRESS_KEYS, f"{where}.address")


def _geojson(value: Any, where: str) -> None:
    if not isinstance(value, Mapping) or value.get("type") not in _GEO_TYPES:
        raise Invalid(f"{where}.type: must be a GeoJSON type such as 'Point'")
    kind = value["type"]
    if kind in ("Feature", "FeatureCollection", "GeometryCollection"):
        return
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list) or not _numbers(coordinates):
        raise Invalid(f"{where}.coordinates: must be an array of numbers")


def _numbers(value: Any) -> bool:
    if isinstance(value, list):
        return all(_numbers(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dates(value: Any, where: str) -> None:
    _keys(value, _DATES_KEYS, where)
    for key in ("startDate", "endDate"):
        if key in value:
            _datetime(value[key], f"{where}.{key}")
    for key in ("expectedStartDate", "expectedEndDate"):
        if key in value and not (isinstance(value[key], str) and _TRUNCATED.match(value[key])):
            raise Invalid(f"{where}.{key}: must be a (possibly truncated) ISO 8601 date")
    starts = ("startDate" in value) != ("expectedStartDate" in value)
    ends = ("endDate" in value) != ("expectedEndDate" in value)
    if not (starts or ends):
        raise Invalid(
            f"{where}: needs exactly one of startDate and expectedStartDate"
            " (or of endDate and expectedEndDate)"
        )


def _datetime(value: Any, where: str) -> None:
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"{where}: must be an ISO 8601 date-time") from None
    if not isinstance(value, str) or "T" not in value.upper():
        raise Invalid(f"{where}: must be an ISO 8601 date-time")


def _coverage(value: Any, where: str) -> None:
    _keys(value, _COVERAGE_KEYS, where)
    urgency = value.get("urgency")
    if urgency is not None and (
        not isinstance(urgency, int) or isinstance(urgency, bool) or not 1 <= urgency <= 9
    ):
        raise Invalid(f"{where}.urgency: must be an integer from 1 to 9")
    if value.get("dates") is not None:
        _dates(value["dates"], f"{where}.dates")
