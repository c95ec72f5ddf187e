"""The contract's operational surface: OpenAPI, docs, health and metrics."""

from __future__ import annotations

from tests.conftest import Wire

CONTRACT_PATHS = {
    "/v1/desk/items",
    "/v1/desk/items/{uri}",
    "/v1/desk/items/{uri}/kill",
    "/v1/desk/ingest",
    "/v1/feed",
    "/v1/items/{uri}",
    "/v1/stream",
    "/healthz",
    "/metrics",
}


def test_openapi_lists_the_contract_and_docs_are_served(wire: Wire) -> None:
    client = wire.client()
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert set(spec.json()["paths"]) >= CONTRACT_PATHS
    assert client.get("/docs").status_code == 200


def test_health_and_metrics(wire: Wire) -> None:
    client = wire.client()
    assert client.get("/healthz").json()["status"] == "ok"
    metrics = client.get("/metrics").text
    assert "newswire_wire_head_seq 0" in metrics
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
