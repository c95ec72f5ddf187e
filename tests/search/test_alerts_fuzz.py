"""Schemathesis on the alerts API with a subscriber's key: no input gets a 5xx, answers
match the OpenAPI document (more examples than the whole-API fuzz gives each operation)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Wire, story


def test_no_alert_request_gets_a_server_error(wire: Wire, tmp_path: Path) -> None:
    cli = Path(sys.executable).parent / "schemathesis"
    if not cli.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is not installed (make test installs it)")
    full, _, _ = wire.three_plans("world")
    key = full.headers["authorization"].split()[1]
    made = full.post("/v1/alerts", json={"name": "seed", "query": "gold"})
    assert made.status_code == 201, made.text
    wire.publish(story("Gold price rises"), ["world"])
    result = subprocess.run(
        [
            str(cli),
            "run",
            f"{wire.url}/openapi.json",
            "-H",
            f"Authorization: Bearer {key}",
            "--include-tag",
            "alerts",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "60",
            "--phases",
            "examples,fuzzing",
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--seed",
            "20261125",
            "--suppress-health-check",
            "all",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "5 selected" in result.stdout, result.stdout[-3000:]  # the five alert operations
