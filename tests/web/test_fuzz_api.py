"""Schemathesis against our own OpenAPI document, for each role: no input gets a 5xx, and
answers match the schema. Bounded examples per operation keep it to about a minute."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer, Wire, new_key

EXAMPLES = "12"


@pytest.fixture(scope="module")
def fuzzed(
    pg_url: str, template_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Wire]:
    """One server for the module (long polls capped at 1 s), with a product, plan and story."""
    import psycopg

    from tests.conftest import _with_database

    name = "nw_fuzz"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template_url}")
    db_url = _with_database(pg_url, name)
    server = LiveServer(db_url, tmp_path_factory.mktemp("fuzz"), feed_max_wait=1)
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    wire.product("world")
    wire.plan("all", ["world"])
    wire.publish({"headlines": [{"value": "Fuzz target"}], "language": "en"}, ["world"])
    yield wire
    wire.close()
    server.stop()


def _subscriber_key(wire: Wire) -> str:
    r = wire.admin.post("/v1/admin/subscribers", json={"name": "Fuzzer", "plan": "all"})
    key: str = r.json()["key"]
    return key


@pytest.mark.parametrize("role", ["editor", "admin", "subscriber", "none"])
def test_no_input_gets_a_server_error(fuzzed: Wire, role: str, tmp_path: Path) -> None:
    cli = Path(sys.executable).parent / "schemathesis"
    if not cli.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is not installed (make test installs it)")
    keys = {"editor": fuzzed.editor_key, "admin": fuzzed.admin_key, "none": ""}
    key = keys.get(role) or (_subscriber_key(fuzzed) if role == "subscriber" else "")
    headers = ["-H", f"Authorization: Bearer {key}"] if key else []
    result = subprocess.run(
        [
            str(cli),
            "run",
            f"{fuzzed.url}/openapi.json",
            *headers,
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            EXAMPLES,
            "--phases",
            "examples,fuzzing",
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--exclude-path",
            "/v1/stream",
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
